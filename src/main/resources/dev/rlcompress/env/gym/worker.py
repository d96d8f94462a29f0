"""rl-compress Gymnasium worker: started by dev.rlcompress.env.gym.GymWorker, not meant to be run by hand.

Hosts one or more copies ("slots") of one Gymnasium environment and answers the Java side over its
stdin/stdout pipes. Every message, both ways, is a frame: u32 length (little-endian) + body.

  first request   UTF-8 JSON config  -> reply: status byte + JSON (spaces, limits, pid)
  b"R" u16 n, n x (u16 slot, u8 seeded, i64 seed)        reset the listed slots -> their observations
  b"S" one action per slot (i32, or f32 x action size), one i64 seed per slot
                                                          step every slot, reset the slots whose episode
                                                          ended with their seed (negative: none)
                                                                               -> one record per slot
  b"T" u16 slot, one action                               step one slot        -> one record
  b"Q"                                                    quit
  reply body: u8 status (0 ok; 1 a Python exception, its UTF-8 traceback follows), then the data.
  record: f64 reward, u8 flags (1 terminated, 2 truncated, 4 a reset followed), u8 n,
          n x (u8 key length, key, f64 value) numeric info, observation [, first observation after the reset]

Observations travel raw: uint8 (and bool) as bytes, everything else as float32 little-endian.
The worker exits on stdin EOF, on "Q", and when its parent process goes away (its parent id changes);
it ignores SIGINT so that the Java side alone decides when it ends.
"""

import ast
import json
import os
import signal
import struct
import sys
import threading
import time
import traceback

_SLOT_RECORD = struct.Struct("<dBB")
_INFO_VALUE = struct.Struct("<d")
_RESET_ENTRY = struct.Struct("<HBq")


def _watch_parent(parent):
    # PR_SET_PDEATHSIG would fire when the *thread* that started us ends, not the JVM; poll instead.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _literal(text):
    """An option value as Python reads it: true/false/none as Java writes them, else a literal, else a string."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, (int, float, bool, str)) else text


def _numeric_info(info):
    if not info:
        return ()
    out = []
    for key, value in info.items():
        if isinstance(value, (bool, int, float)) or (hasattr(value, "dtype") and getattr(value, "shape", None) == ()):
            try:
                out.append((key.encode()[:255], float(value)))
            except (TypeError, ValueError):
                pass
    return out


def _bounds(array):
    flat = array.reshape(-1)
    if flat.size and (flat == flat[0]).all():
        return float(flat[0])
    return [float(x) for x in flat]


class GymSlot:
    """One Gymnasium environment made with gym.make(id, **kwargs), unchanged."""

    def __init__(self, gym, np, config):
        self.np = np
        self.env = gym.make(config["id"], **{k: _literal(v) for k, v in config.get("kwargs", {}).items()})
        space = self.env.observation_space
        spaces = gym.spaces
        if isinstance(space, spaces.Discrete):
            self.discrete_obs = int(space.start)
            self.wire = np.dtype("<f4")
            self.obs_desc = {"shape": [1], "wire": "f4", "low": float(space.start), "high": float(space.start + space.n - 1)}
        elif isinstance(space, spaces.Box):
            self.discrete_obs = None
            self.wire = np.dtype("u1") if space.dtype in (np.uint8, np.bool_) else np.dtype("<f4")
            self.obs_desc = {"shape": list(space.shape), "wire": "u1" if self.wire.itemsize == 1 else "f4",
                             "low": _bounds(space.low.astype(np.float32)), "high": _bounds(space.high.astype(np.float32))}
        else:
            raise TypeError(f"observation space {space} is not supported (Box or Discrete only)")
        act = self.env.action_space
        if isinstance(act, spaces.Discrete):
            self.action_start = int(act.start)
            self.act_desc = {"kind": "discrete", "n": int(act.n)}
        elif isinstance(act, spaces.Box):
            self.action_start = None
            self.act_desc = {"kind": "box", "shape": list(act.shape),
                             "low": [float(x) for x in act.low.reshape(-1).astype(np.float32)],
                             "high": [float(x) for x in act.high.reshape(-1).astype(np.float32)]}
        else:
            raise TypeError(f"action space {act} is not supported (Box or Discrete only)")
        spec = self.env.spec
        self.max_episode_steps = spec.max_episode_steps if spec is not None else None
        if self.max_episode_steps is None:
            self.max_episode_steps = _ale_step_limit(self.env.unwrapped)
        self.reward_threshold = spec.reward_threshold if spec is not None else None

    def encode(self, obs):
        if self.discrete_obs is not None:
            return struct.pack("<f", float(obs))
        return self.np.asarray(obs, dtype=self.wire).tobytes()

    def action(self, value):
        if self.action_start is not None:
            return int(value) + self.action_start
        return self.np.asarray(value, dtype=self.env.action_space.dtype).reshape(self.env.action_space.shape)

    def reset(self, seed):
        obs, _ = self.env.reset(seed=seed)
        return self.encode(obs)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(self.action(action))
        return self.encode(obs), float(reward), bool(terminated), bool(truncated), _numeric_info(info)


def _ale_step_limit(unwrapped):
    ale = getattr(unwrapped, "ale", None)
    skip = getattr(unwrapped, "_frameskip", None)
    if ale is None or not isinstance(skip, int):
        return None
    frames = ale.getInt("max_num_frames_per_episode")
    return frames // skip if frames > 0 else None


class AtariSlot:
    """An ALE game with the standard preprocessing, written from its published description (Machado et al.
    2018; the SB3/CleanRL Atari wrappers; Gymnasium's AtariPreprocessing for the exact buffer handling):
    no-op reset (1..noop_max no-op frames drawn from the env's generator), frame skip with the max over
    the last two grayscale frames, INTER_AREA resize, fire on reset, episodic life and reward sign for
    training, and a stack of the last frames (oldest first, the reset frame repeated after a reset).
    It drives the ALE directly instead of stepping Gymnasium's env once per frame, which would copy an
    RGB screen per frame that the preprocessing throws away."""

    NOOP, FIRE, RIGHT_OR_UP = 0, 1, 2  # action indices into the game's action set (SB3's FireResetEnv)
    FIRE_SEQUENCE = (FIRE, RIGHT_OR_UP)  # what starts play: on reset, and in evaluation after a lost life

    def __init__(self, gym, np, config):
        import cv2

        cv2.setNumThreads(1)  # several workers share the cores; a 210x160 resize gains nothing from threads
        self.np, self.cv2 = np, cv2
        kwargs = {k: _literal(v) for k, v in config.get("kwargs", {}).items()}
        kwargs["frameskip"] = 1  # the skip is done here, with max-pooling
        self.env = gym.make(config["id"], **kwargs)
        unwrapped = self.env.unwrapped
        if not hasattr(unwrapped, "ale") or getattr(unwrapped, "continuous", False):
            raise TypeError(f"{config['id']} is not a discrete-action ALE game")
        self.ale = unwrapped.ale
        self.action_set = list(unwrapped._action_set)  # the env's own index -> ALE action map
        meanings = unwrapped.get_action_meanings()
        self.noop_max = int(config["noop_max"])
        if self.noop_max > 0 and meanings[0] != "NOOP":
            raise ValueError(f"{config['id']}: action 0 is {meanings[0]}, not NOOP; set noop_max=0")
        self.skip = int(config["frame_skip"])
        self.size = int(config["screen_size"])
        fire = config.get("fire_reset")
        self.fire_reset = (len(meanings) >= 3 and meanings[1] == "FIRE") if fire is None else bool(fire)
        self.training = bool(config["training"])
        # evaluation: FIRE (then action 2) right after a lost life, as the training variant's reset does
        fire_lost = config.get("fire_on_life_loss")
        self.fire_on_life_loss = self.fire_reset if fire_lost is None else bool(fire_lost)
        # RAM bytes that locate the player (room, x, y), reported as info ram_<name> on every step
        self.ram_probes = [(b"ram_" + name.encode(), int(addr)) for name, addr in config.get("ram", {}).items()]
        h, w = self.ale.getScreenDims()
        self.buffers = [np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8)]
        self.stack = np.zeros((int(config["stack"]), self.size, self.size), np.uint8)
        self.lives = 0
        self.real_done = True
        frames = self.ale.getInt("max_num_frames_per_episode")
        self.obs_desc = {"shape": list(self.stack.shape), "wire": "u1", "low": 0.0, "high": 255.0}
        self.act_desc = {"kind": "discrete", "n": len(self.action_set)}
        self.max_episode_steps = frames // self.skip if frames > 0 else None
        self.reward_threshold = None

    # -- frame skip with max-pooling and no-op reset (the layer Gymnasium's AtariPreprocessing is) --

    def _frame(self):
        self.np.maximum(self.buffers[0], self.buffers[1], out=self.buffers[0])
        return self.cv2.resize(self.buffers[0], (self.size, self.size), interpolation=self.cv2.INTER_AREA)

    def _act(self, index):
        reward = self.ale.act(self.action_set[index], 1.0)
        return reward, self.ale.game_over(with_truncation=False), self.ale.game_truncated()

    def _skip_reset(self, seed):
        self.env.reset(seed=seed)
        noops = int(self.env.unwrapped.np_random.integers(1, self.noop_max + 1)) if self.noop_max > 0 else 0
        for _ in range(noops):
            _, terminated, truncated = self._act(self.NOOP)
            if terminated or truncated:
                self.env.reset(seed=seed)
        self.ale.getScreenGrayscale(self.buffers[0])
        self.buffers[1].fill(0)
        return self._frame()

    def _skip_step(self, index):
        total, terminated, truncated = 0.0, False, False
        for t in range(self.skip):
            reward, terminated, truncated = self._act(index)
            total += reward
            if terminated or truncated:
                break  # the buffers keep the previous frames, as Gymnasium's wrapper does
            if t == self.skip - 2:
                self.ale.getScreenGrayscale(self.buffers[1])
            elif t == self.skip - 1:
                self.ale.getScreenGrayscale(self.buffers[0])
        return self._frame(), total, terminated, truncated

    # -- episodic life (training only): a lost life ends the episode, the game goes on --

    def _life_step(self, index):
        frame, reward, terminated, truncated = self._skip_step(index)
        self.real_done = terminated or truncated
        lives = self.ale.lives()
        if self.training and 0 < lives < self.lives:
            terminated = True
        self.lives = lives
        return frame, reward, terminated, truncated

    def _life_reset(self, seed):
        if self.training and not self.real_done:
            # the game goes on whatever the seed (SB3's EpisodicLifeEnv): step out of the lost-life state
            frame = self._life_step(self.NOOP)[0]
        else:
            frame = self._skip_reset(seed)
        self.lives = self.ale.lives()
        return frame

    # -- fire on reset, for games that wait for FIRE --

    def _fire_reset(self, seed):
        frame = self._life_reset(seed)
        if not self.fire_reset:
            return frame
        for index in self.FIRE_SEQUENCE:
            frame, _, terminated, truncated = self._life_step(index)
            if terminated or truncated:
                frame = self._life_reset(seed)
        return frame

    # -- the slot interface: stacked frames, reward sign for training --

    def reset(self, seed):
        frame = self._fire_reset(seed)
        self.stack[:] = frame
        return self.stack.tobytes()

    def step(self, action):
        lives_before = self.lives
        frame, reward, terminated, truncated = self._life_step(int(action))
        if (self.fire_on_life_loss and not self.training and not (terminated or truncated)
                and 0 < self.lives < lives_before):
            for index in self.FIRE_SEQUENCE:
                frame, more, terminated, truncated = self._life_step(index)
                reward += more
                if terminated or truncated:
                    break
        self.stack[:-1] = self.stack[1:]
        self.stack[-1] = frame
        info = [(b"lives", float(self.ale.lives())),
                (b"episode_frame_number", float(self.ale.getEpisodeFrameNumber())),
                (b"frame_number", float(self.ale.getFrameNumber()))]
        if self.ram_probes:
            ram = self.ale.getRAM()
            info.extend((key, float(ram[addr])) for key, addr in self.ram_probes)
        if self.training:
            info.append((b"raw_reward", reward))
            info.append((b"game_over", 1.0 if self.real_done else 0.0))
            reward = float(self.np.sign(reward))
        return self.stack.tobytes(), reward, terminated, truncated, info


def _describe(slot):
    return {"obs": slot.obs_desc, "act": slot.act_desc, "max_episode_steps": slot.max_episode_steps,
            "reward_threshold": slot.reward_threshold, "pid": os.getpid()}


def _record(parts, obs, reward, terminated, truncated, info, reset_obs):
    flags = terminated | (truncated << 1) | ((reset_obs is not None) << 2)
    parts.append(_SLOT_RECORD.pack(reward, flags, len(info)))
    for key, value in info:
        parts.append(bytes((len(key),)) + key + _INFO_VALUE.pack(value))
    parts.append(obs)
    if reset_obs is not None:
        parts.append(reset_obs)


class Worker:
    def __init__(self, slots, np):
        self.slots = slots
        self.np = np
        act = slots[0].act_desc
        self.discrete = act["kind"] == "discrete"
        self.action_size = 1
        if not self.discrete:
            for d in act["shape"]:
                self.action_size *= d

    def _actions(self, body, offset, count):
        if self.discrete:
            return struct.unpack_from(f"<{count}i", body, offset)
        flat = self.np.frombuffer(body, dtype="<f4", count=count * self.action_size, offset=offset)
        return flat.reshape(count, self.action_size)

    def handle(self, body):
        op = body[0:1]
        parts = []
        if op == b"S":
            count = len(self.slots)
            actions = self._actions(body, 1, count)
            seeds = struct.unpack_from(f"<{count}q", body, 1 + count * 4 * self.action_size)
            for slot, action, seed in zip(self.slots, actions, seeds):
                obs, reward, terminated, truncated, info = slot.step(action)
                reset_obs = slot.reset(seed if seed >= 0 else None) if terminated or truncated else None
                _record(parts, obs, reward, terminated, truncated, info, reset_obs)
        elif op == b"T":
            (index,) = struct.unpack_from("<H", body, 1)
            obs, reward, terminated, truncated, info = self.slots[index].step(self._actions(body, 3, 1)[0])
            _record(parts, obs, reward, terminated, truncated, info, None)
        elif op == b"R":
            (count,) = struct.unpack_from("<H", body, 1)
            for i in range(count):
                index, seeded, seed = _RESET_ENTRY.unpack_from(body, 3 + i * _RESET_ENTRY.size)
                parts.append(self.slots[index].reset(seed if seeded else None))
        else:
            raise ValueError(f"unknown request {op!r}")
        return parts


def _read_exact(stream, n):
    data = stream.read(n)
    return data if data is not None and len(data) == n else None


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _reply(fd, status, parts):
    size = 1 + sum(len(p) for p in parts)
    _write_all(fd, b"".join([struct.pack("<IB", size, status)] + parts))


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    out = os.dup(1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    try:  # room for a whole reply (8 stacked Atari observations are 225 KB) so that one write sends it
        import fcntl

        fcntl.fcntl(out, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass
    sys.stdout = sys.stderr
    stream = sys.stdin.buffer

    def request():
        head = _read_exact(stream, 4)
        if head is None:
            return None
        return _read_exact(stream, struct.unpack("<I", head)[0])

    config_text = request()
    if config_text is None:
        return
    try:
        config = json.loads(config_text)
        import numpy as np
        import gymnasium as gym

        if config["kind"] == "atari" or config["id"].startswith("ALE/"):
            import ale_py

            gym.register_envs(ale_py)
        make = AtariSlot if config["kind"] == "atari" else GymSlot
        slots = [make(gym, np, config) for _ in range(int(config["count"]))]
        worker = Worker(slots, np)
        _reply(out, 0, [json.dumps(_describe(slots[0])).encode()])
    except BaseException:
        text = traceback.format_exc()
        sys.stderr.write(text)
        _reply(out, 1, [text.encode()])
        return
    while True:
        body = request()
        if body is None or body[0:1] == b"Q":
            return
        try:
            parts = worker.handle(body)
        except Exception:
            text = traceback.format_exc()
            sys.stderr.write(text)
            _reply(out, 1, [text.encode()])
            continue
        _reply(out, 0, parts)


if __name__ == "__main__":
    main()

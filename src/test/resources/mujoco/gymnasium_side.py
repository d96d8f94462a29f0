"""Gymnasium's side of the rl-compress MuJoCo parity tests and benchmarks (one process, many tasks).

Requests are text lines "COMMAND SPEC SEED ARG PAYLOAD_BYTES" on stdin, each followed by its binary
payload; answers are little-endian binary on stdout, after a line "OK" and an int64 length.
  run SPEC SEED N      then N*nu float32 actions: reset(seed), step through the actions, reset (no
                       seed) whenever an episode ends. Answers: int32 nq, nv, obs_dim; a start record
                       (qpos, qvel, obs as float64); per step obs (float64), reward (float64), a flag
                       byte (1 terminated, 2 truncated) and, when the episode ended, a start record; then the
                       last step's scalar info as text k=v;k=v.
  resets SPEC SEED N   reset(seed) then N-1 resets: int32 nq, nv; N records of qpos, qvel (float64).
  bench SPEC SEED SECS random actions for about SECS seconds: float64 steps/s.
  returns SPEC SEED K  K episodes of uniform random actions (the env's action_space, seeded): K pairs
                       of float64 return, episode length.
SPEC is an id with optional options, Id[k=v,...]; a value a:b is a tuple, true/false a bool.
Errors: one line "ERR message" instead of the answer.
"""
import struct
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

out = sys.stdout.buffer
inp = sys.stdin.buffer


def value(text):
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    if ":" in text:
        return tuple(float(p) for p in text.split(":"))
    try:
        return int(text)
    except ValueError:
        return float(text)


def make(spec):
    if "[" not in spec:
        return gym.make(spec)
    name, body = spec[:-1].split("[", 1)
    kwargs = dict((kv.split("=", 1)[0], value(kv.split("=", 1)[1])) for kv in body.split(",") if kv)
    return gym.make(name, **kwargs)


def start_record(env, obs):
    d = env.unwrapped.data
    return d.qpos.astype("<f8").tobytes() + d.qvel.astype("<f8").tobytes() + np.asarray(obs, "<f8").tobytes()


def run(spec, seed, n, payload):
    env = make(spec)
    nu = env.action_space.shape[0]
    actions = np.frombuffer(payload, dtype="<f4").reshape(n, nu).astype(np.float32)
    u = env.unwrapped
    obs, _ = env.reset(seed=seed)
    chunks = [struct.pack("<3i", u.model.nq, u.model.nv, len(obs)), start_record(env, obs)]
    info = {}
    for a in actions:
        obs, r, term, trunc, info = env.step(a)
        chunks.append(np.asarray(obs, "<f8").tobytes() + struct.pack("<dB", float(r), int(term) | (int(trunc) << 1)))
        if term or trunc:
            obs, _ = env.reset()
            chunks.append(start_record(env, obs))
    env.close()
    scalars = ";".join(k + "=" + repr(float(v)) for k, v in info.items() if np.ndim(v) == 0)
    return b"".join(chunks) + scalars.encode()


def resets(spec, seed, n):
    env = make(spec)
    u = env.unwrapped
    chunks = [struct.pack("<2i", u.model.nq, u.model.nv)]
    for i in range(n):
        env.reset(seed=seed if i == 0 else None)
        chunks.append(u.data.qpos.astype("<f8").tobytes() + u.data.qvel.astype("<f8").tobytes())
    env.close()
    return b"".join(chunks)


def seeded_resets(spec, seed, n):
    """reset(seed=seed + i) for i < n: Gymnasium's start state for each of n consecutive seeds."""
    env = make(spec)
    u = env.unwrapped
    chunks = [struct.pack("<2i", u.model.nq, u.model.nv)]
    for i in range(n):
        obs, _ = env.reset(seed=seed + i)
        chunks.append(u.data.qpos.astype("<f8").tobytes() + u.data.qvel.astype("<f8").tobytes())
    env.close()
    return b"".join(chunks)


def bench(spec, seed, secs):
    env = make(spec)
    env.reset(seed=seed)
    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(1000)]
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs:
        for a in actions[:100]:
            _, _, term, trunc, _ = env.step(a)
            if term or trunc:
                env.reset()
        steps += 100
        actions.append(actions.pop(0))
    rate = steps / (time.perf_counter() - t0)
    env.close()
    return struct.pack("<d", rate)


def returns(spec, seed, k):
    env = make(spec)
    env.action_space.seed(seed)
    chunks = []
    for e in range(k):
        env.reset(seed=seed + e)
        total, length, done = 0.0, 0, False
        while not done:
            _, r, term, trunc, _ = env.step(env.action_space.sample())
            total += float(r)
            length += 1
            done = term or trunc
        chunks.append(struct.pack("<2d", total, length))
    env.close()
    return b"".join(chunks)


COMMANDS = {"run": run, "resets": resets, "seeded_resets": seeded_resets, "bench": bench, "returns": returns}

for line in iter(inp.readline, b""):
    words = line.decode().split()
    if not words:
        continue
    payload = inp.read(int(words[4])) if len(words) > 4 else b""
    try:
        arg = float(words[3]) if words[0] == "bench" else int(words[3])
        answer = COMMANDS[words[0]](words[1], int(words[2]), arg, *([payload] if words[0] == "run" else []))
        out.write(b"OK\n" + struct.pack("<q", len(answer)) + answer)
    except Exception as e:  # reported to Java as one line
        out.write(("ERR " + type(e).__name__ + ": " + str(e).replace("\n", " ") + "\n").encode())
    out.flush()

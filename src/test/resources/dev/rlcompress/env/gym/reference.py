"""Drives a Gymnasium env directly (no rl-compress code) and records what it saw, for the bridge tests.

usage: reference.py MODE ID KWARGS_JSON SEED ACTIONS_FILE OUT_FILE INFO_KEYS
  MODE gym: gymnasium.make(ID, **KWARGS)
  MODE atari: gymnasium.make(ID, frameskip=1, **KWARGS) under Gymnasium's AtariPreprocessing (defaults),
              FIRE then action 2 on reset where action 1 is FIRE, and FrameStackObservation(4)
Actions: int32 little-endian, one per step. The env is reset with SEED first and reset() (no seed) after
every terminated or truncated step. Output, per observation (reset or step), little-endian:
  step: f64 reward, u8 terminated, u8 truncated, one f64 per INFO_KEYS (comma list; NaN if absent)
  then: u32 crc32 of the observation's bytes (uint8 as is, anything else as float32), u32 byte count
A reset writes only the observation part.
"""

import json
import struct
import sys
import zlib

import gymnasium as gym
import numpy as np


class FireOnReset(gym.Wrapper):
    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        for action in (1, 2):
            obs, _, terminated, truncated, info = self.env.step(action)
            if terminated or truncated:
                obs, info = self.env.reset(**kwargs)
        return obs, info


def make(mode, env_id, kwargs):
    if env_id.startswith("ALE/"):
        import ale_py

        gym.register_envs(ale_py)
    if mode == "gym":
        return gym.make(env_id, **kwargs)
    from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

    env = AtariPreprocessing(gym.make(env_id, frameskip=1, **kwargs))
    meanings = env.unwrapped.get_action_meanings()
    if len(meanings) >= 3 and meanings[1] == "FIRE":
        env = FireOnReset(env)
    return FrameStackObservation(env, 4)


def observation(obs):
    a = np.asarray(obs)
    data = (a if a.dtype == np.uint8 else a.astype("<f4")).tobytes()
    return struct.pack("<II", zlib.crc32(data), len(data))


def main():
    mode, env_id, kwargs, seed, actions_file, out_file, keys = sys.argv[1:8]
    env = make(mode, env_id, json.loads(kwargs))
    keys = [k for k in keys.split(",") if k]
    with open(actions_file, "rb") as f:
        data = f.read()
    actions = struct.unpack(f"<{len(data) // 4}i", data)
    with open(out_file, "wb") as out:
        obs, _ = env.reset(seed=int(seed))
        out.write(observation(obs))
        for a in actions:
            obs, reward, terminated, truncated, info = env.step(a)
            out.write(struct.pack("<dBB", float(reward), terminated, truncated))
            for k in keys:
                out.write(struct.pack("<d", float(info.get(k, float("nan")))))
            out.write(observation(obs))
            if terminated or truncated:
                obs, _ = env.reset()
                out.write(observation(obs))


if __name__ == "__main__":
    main()

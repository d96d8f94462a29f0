"""Stepping rates in Python alone, the baselines of `rlc bench-env` (started by GymBenchmark).

usage: bench.py WHAT KIND ID KWARGS_JSON N SECONDS [WORKER_PY]
  WHAT gymnasium: Gymnasium's SyncVectorEnv of N copies (a plain env loop for N=1); for KIND atari each copy is
       gymnasium.make(ID, frameskip=1, **KWARGS) under Gymnasium's AtariPreprocessing and
       FrameStackObservation(4), the preprocessing rl-compress's ALE ids reproduce; for KIND gym it is
       gymnasium.make(ID, **KWARGS).
  WHAT worker: N copies of the bridge worker's own environment classes (WORKER_PY), stepped in this
       process with no pipes: the bridge's rate without the bridge.
Random actions, reset when an episode ends; prints env steps per second and CPU microseconds per env
step (this process) over SECONDS, after a warm-up of SECONDS/4.
"""

import importlib.util
import json
import random
import sys
import time

import gymnasium as gym


def gymnasium_copies(kind, env_id, kwargs, n):
    def thunk():
        if env_id.startswith("ALE/"):
            import ale_py

            gym.register_envs(ale_py)
        if kind == "gym":
            return gym.make(env_id, **kwargs)
        from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

        return FrameStackObservation(AtariPreprocessing(gym.make(env_id, frameskip=1, **kwargs)), 4)

    if n == 1:  # one copy: the plain env loop, without the vector env's bookkeeping
        env = thunk()
        env.reset(seed=0)
        env.action_space.seed(0)

        def step():
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                env.reset()

        return step
    envs = gym.vector.SyncVectorEnv([thunk] * n)
    envs.reset(seed=0)
    envs.action_space.seed(0)
    return lambda: envs.step(envs.action_space.sample())


def worker_copies(kind, env_id, kwargs, n, worker_py):
    import numpy as np

    spec = importlib.util.spec_from_file_location("rlc_gym_worker", worker_py)
    worker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worker)
    if env_id.startswith("ALE/"):
        import ale_py

        gym.register_envs(ale_py)
    config = {"id": env_id, "kwargs": kwargs, "noop_max": 30, "frame_skip": 4, "screen_size": 84, "stack": 4,
              "fire_reset": None, "training": False}
    slots = [(worker.AtariSlot if kind == "atari" else worker.GymSlot)(gym, np, config) for _ in range(n)]
    for i, slot in enumerate(slots):
        slot.reset(i)
    actions = slots[0].act_desc["n"]
    rng = random.Random(0)

    def step():
        for slot in slots:
            _, _, terminated, truncated, _ = slot.step(rng.randrange(actions))
            if terminated or truncated:
                slot.reset(None)

    return step


def main():
    what, kind, env_id, kwargs, n, seconds = sys.argv[1:7]
    n, kwargs = int(n), json.loads(kwargs)
    step = gymnasium_copies(kind, env_id, kwargs, n) if what == "gymnasium" else worker_copies(kind, env_id, kwargs, n, sys.argv[7])
    warm = time.perf_counter() + float(seconds) / 4  # as the Java side warms up its JIT
    while time.perf_counter() < warm:
        step()
    steps, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < float(seconds):
        step()
        steps += 1
    print(steps * n / (time.perf_counter() - start), (time.process_time() - cpu) * 1e6 / (steps * n))


if __name__ == "__main__":
    main()

"""Reference values from NumPy and Gymnasium for rl-compress's parity tests.

Run by the Java tests (dev.rlcompress.env.GymOracle) with the project's .venv interpreter, one process
per test class: `gym_oracle.py MODE OUTDIR`. Writes OUTDIR/values.json and, for bulk arrays, raw
little-endian files OUTDIR/NAME.f64. Modes:
  numpy   - SeedSequence/PCG64/Generator draws, 10^6 standard normals, NumPy's ziggurat tables
  classic - Gymnasium's classic-control initial states for seeds 0..99
  lunar   - what Gymnasium's LunarLander reset hands to Box2D (terrain edges, fixtures, initial force,
            wind indices), recorded by running Gymnasium's own lunar_lander.py on a stand-in Box2D
            module (pybox2d itself is not installable here), for seeds 0..99
"""
import json
import math
import os
import struct
import sys
import types

import numpy as np

SEEDS = list(range(100))
RNG_SEEDS = [0, 1, 2, 3, 42, 1234, 2**31 - 1, 2**32, 2**32 + 7, 2**63 - 1, 2**64 - 1]


def elf_symbol_bytes(path, name, size):
    """Bytes of a (local) data symbol in an ELF64 little-endian shared object, from its symbol table."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for sec in sections:
        if sec[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sec[6]]
        for off in range(sec[4], sec[4] + sec[5], sec[9]):
            st_name, _, _, st_shndx, st_value, _ = struct.unpack_from("<IBBHQQ", data, off)
            end = data.index(b"\0", strtab[4] + st_name)
            if data[strtab[4] + st_name:end].decode() == name:
                host = sections[st_shndx]
                start = host[4] + st_value - host[3]
                return data[start:start + size]
    raise SystemExit(f"symbol {name} not found in {path}")


def numpy_mode(out):
    import numpy.random._generator as gen_module
    so = gen_module.__file__
    values = {
        "ki": [int(x) for x in np.frombuffer(elf_symbol_bytes(so, "ki_double", 2048), "<u8")],
        "wi": [float(x) for x in np.frombuffer(elf_symbol_bytes(so, "wi_double", 2048), "<f8")],
        "fi": [float(x) for x in np.frombuffer(elf_symbol_bytes(so, "fi_double", 2048), "<f8")],
        "seeds": {},
    }
    for seed in RNG_SEEDS:
        g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        st = g.bit_generator.state["state"]
        entry = {
            "state": str(st["state"]), "inc": str(st["inc"]),
            "random": [float(g.random()) for _ in range(5)],
            "uniform": [float(x) for x in g.uniform(-0.05, 0.05, size=7)],
            "uniform_arrays": [float(x) for x in g.uniform([-math.pi, -1.0], [math.pi, 1.0])],
            # the 32-bit path with its buffered half-words, interleaved with 64-bit draws
            "ints": [int(g.integers(-9999, 9999)), int(g.integers(-9999, 9999)), int(g.integers(-9999, 9999))],
            "after_ints": float(g.random()),
            "ints2": [int(g.integers(-9999, 9999)), int(g.integers(0, 2**40)),
                      int(g.integers(-2**63, 2**63 - 1)), int(g.integers(7, 8)), int(g.integers(0, 2**32)),
                      int(g.integers(-3, 2**31))],
            "normals": [float(x) for x in g.standard_normal(5)],
            "last": float(g.random()),
        }
        values["seeds"][str(seed)] = entry
    g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(2024)))
    g.standard_normal(1_000_000).astype("<f8").tofile(os.path.join(out, "normals.f64"))
    values["normals_after"] = float(g.random())
    return values


CLASSIC = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]


def classic_mode(out):
    import gymnasium as gym
    values = {}
    for env_id in CLASSIC:
        env = gym.make(env_id)
        rows = []
        for seed in SEEDS:
            obs, _ = env.reset(seed=seed)
            state = [float(x) for x in np.asarray(env.unwrapped.state, dtype=np.float64)]
            probe = float(env.unwrapped.np_random.random())  # where the generator stands after reset
            again, _ = env.reset()  # an unseeded reset continues the same generator
            rows.append({"obs": [float(x) for x in obs], "state": state, "next_random": probe,
                         "obs_unseeded": [float(x) for x in again]})
        values[env_id] = rows
        env.close()
    return values


class _Vec(tuple):
    @property
    def x(self):
        return self[0]

    @property
    def y(self):
        return self[1]


class _Def:
    """A Box2D definition object: keeps the keyword arguments it was given (absent = Box2D's default)."""

    def __init__(self, **kw):
        self.__dict__["given"] = dict(kw)

    def __setattr__(self, key, value):
        self.given[key] = value

    def __getattr__(self, key):
        if key in self.given:
            return self.given[key]
        raise AttributeError(key)


class _Body:
    def __init__(self, world, kind, kw):
        self.world, self.kind = world, kind
        self.position = _Vec(kw.get("position", (0.0, 0.0)))
        self.angle = float(kw.get("angle", 0.0))
        self.linearVelocity = _Vec((0.0, 0.0))
        self.angularVelocity = 0.0
        self.awake = True
        fixtures = kw.get("fixtures")
        for fd in [] if fixtures is None else (fixtures if isinstance(fixtures, list) else [fixtures]):
            self._add(fd.given)
        shapes = kw.get("shapes")
        for shape in [] if shapes is None else (shapes if isinstance(shapes, list) else [shapes]):
            self._add({"shape": shape})

    def _add(self, given):
        shape = given["shape"]
        rec = {k: v for k, v in given.items() if k != "shape"}
        rec["body"] = self.kind
        rec["shape"] = shape.kind
        rec["vertices"] = [list(map(float, v)) for v in shape.given.get("vertices", [])]
        if "box" in shape.given:
            rec["box"] = list(map(float, shape.given["box"]))
        self.world.fixtures.append(rec)

    def CreateEdgeFixture(self, vertices, **kw):
        self._add(dict(kw, shape=edgeShape(vertices=vertices)))

    def ApplyForceToCenter(self, force, wake):
        self.world.forces.append([float(force[0]), float(force[1])])

    def ApplyTorque(self, torque, wake):
        self.world.torques.append(float(torque))

    def ApplyLinearImpulse(self, impulse, point, wake):
        pass


class _World:
    def __init__(self, gravity=(0, -10), **kw):
        self.gravity = gravity
        self.fixtures, self.forces, self.torques, self.bodies = [], [], [], []
        _World.last = self

    def CreateStaticBody(self, **kw):
        return self._body("static", kw)

    def CreateDynamicBody(self, **kw):
        return self._body("dynamic", kw)

    def _body(self, kind, kw):
        b = _Body(self, kind, kw)
        self.bodies.append(b)
        return b

    def CreateJoint(self, jd):
        return jd

    def DestroyBody(self, body):
        pass

    def Step(self, dt, vel_iters, pos_iters):
        pass


def _shape(kind):
    def make(**kw):
        d = _Def(**kw)
        d.__dict__["kind"] = kind
        return d
    return make


edgeShape = _shape("edge")


def install_box2d_stand_in():
    b2 = types.ModuleType("Box2D.b2")
    b2.circleShape, b2.edgeShape, b2.polygonShape = _shape("circle"), edgeShape, _shape("polygon")
    b2.fixtureDef = b2.revoluteJointDef = _Def
    b2.contactListener = type("contactListener", (), {"__init__": lambda self: None})
    box2d = types.ModuleType("Box2D")
    box2d.b2 = b2
    box2d.b2World = _World
    sys.modules["Box2D"], sys.modules["Box2D.b2"] = box2d, b2


def lunar_mode(out):
    install_box2d_stand_in()
    import importlib.util
    import gymnasium
    # loaded from its file: the box2d package's __init__ also imports car_racing, which needs pygame
    path = os.path.join(os.path.dirname(gymnasium.__file__), "envs", "box2d", "lunar_lander.py")
    spec = importlib.util.spec_from_file_location("gym_lunar_lander", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    LunarLander = module.LunarLander
    values = {}
    for name, kw in {"plain": {}, "wind": {"enable_wind": True},
                     "options": {"enable_wind": True, "wind_power": 5.0, "turbulence_power": 0.5,
                                 "gravity": -3.5, "continuous": True}}.items():
        env = LunarLander(**kw)
        rows = []
        for seed in SEEDS:
            env.reset(seed=seed)
            w = _World.last
            rows.append({
                "gravity": [float(g) for g in w.gravity],
                "fixtures": w.fixtures,
                "forces": w.forces,
                "torques": w.torques,
                "wind_idx": int(env.wind_idx) if env.enable_wind else None,
                "torque_idx": int(env.torque_idx) if env.enable_wind else None,
                "next_random": float(env.np_random.random()),
            })
        values[name] = rows
    return values


def main():
    mode, out = sys.argv[1], sys.argv[2]
    values = {"numpy": numpy_mode, "classic": classic_mode, "lunar": lunar_mode}[mode](out)
    with open(os.path.join(out, "values.json"), "w") as f:
        json.dump(values, f)


if __name__ == "__main__":
    main()

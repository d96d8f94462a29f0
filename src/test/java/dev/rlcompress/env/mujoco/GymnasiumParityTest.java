package dev.rlcompress.env.mujoco;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import dev.rlcompress.util.UserError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every task, both versions (and some v5 options), stepped side by side with Gymnasium 1.3 on the same
 * MuJoCo 3.14 build: the same start states (Gymnasium's resets, copied into the Java env), the same
 * 1,000 float32 actions; observation, reward, terminated and truncated must agree to 1e-9 relative at
 * every step, and the last step's info numbers too.
 */
class GymnasiumParityTest extends WithGymnasium {
  private static final int STEPS = 1000;
  private static final double TOL = 1e-9;

  static Stream<String> specs() {
    return Stream.concat(taskIds(), Stream.of(
        "Ant-v4[use_contact_forces=true]",
        "Ant-v5[exclude_current_positions_from_observation=false,include_cfrc_ext_in_observation=false]",
        "Humanoid-v5[contact_cost_weight=0.0001,include_cinert_in_observation=false]",
        "HumanoidStandup-v5[include_cvel_in_observation=false,impact_cost_range=-1:0.5]",
        "HalfCheetah-v5[frame_skip=3,reset_noise_scale=0.5]",
        "Hopper-v4[terminate_when_unhealthy=false]",
        "Walker2d-v5[ctrl_cost_weight=0.01,healthy_angle_range=-0.5:0.5]",
        "Reacher-v5[reward_control_weight=0.3]",
        "InvertedDoublePendulum-v5[healthy_reward=5]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void stepsLikeGymnasium(String spec) {
    long seed = spec.hashCode() & 0xffff;
    try (MujocoEnv env = (MujocoEnv) Envs.make(spec)) {
      Space.Box box = (Space.Box) env.actionSpace();
      float[][] actions = randomActions(box, new SplittableRandom(seed));
      String canonical = EnvSpec.parse(spec).toString();
      ByteBuffer py = gym.request("run", canonical, seed, Integer.toString(STEPS), GymnasiumSide.float32(actions));
      int nq = py.getInt(), nv = py.getInt(), dim = py.getInt();
      assertEquals(dim, env.observationSpace().flatSize(), "observation size");
      env.reset(seed);
      start(env, py, nq, nv, dim, "reset");
      Step last = null;
      int episodes = 1;
      for (int t = 0; t < STEPS; t++) {
        Step s = env.step(actions[t]);
        String at = "step " + t;
        assertClose(GymnasiumSide.doubles(py, dim), env.observation64(), at + " observation");
        assertClose(new double[] {py.getDouble()}, new double[] {s.reward()}, at + " reward");
        byte flags = py.get();
        assertEquals((flags & 1) != 0, s.terminated(), at + " terminated");
        assertEquals((flags & 2) != 0, s.truncated(), at + " truncated");
        assertTrue(s.observation().length == dim);
        if (s.done()) {
          env.reset();
          start(env, py, nq, nv, dim, at + " reset");
          episodes++;
        }
        last = s;
      }
      Map<String, Double> info = lastInfo(py);
      assertEquals(info.keySet(), last.info().keySet(), "info keys");
      for (var e : info.entrySet())
        assertClose(new double[] {e.getValue()}, new double[] {last.info().get(e.getKey())}, "info " + e.getKey());
      assertTrue(episodes >= 1);
    }
  }

  /** Gymnasium 1.3 refuses Pusher-v4 on MuJoCo 3; so does rl-compress, with one line. */
  @Test
  void pusherV4IsRefusedLikeGymnasium() {
    UserError e = assertThrows(UserError.class, () -> Envs.make("Pusher-v4"));
    assertTrue(e.getMessage().contains("Pusher-v5"), e.getMessage());
    IllegalStateException py = assertThrows(IllegalStateException.class,
        () -> gym.request("resets", "Pusher-v4", 0, "1", new byte[0]));
    assertTrue(py.getMessage().contains("mujoco<3"), py.getMessage());
  }

  /** Copies Gymnasium's start state into the Java env and checks the observations agree. */
  private static void start(MujocoEnv env, ByteBuffer py, int nq, int nv, int dim, String at) {
    double[] qpos = GymnasiumSide.doubles(py, nq), qvel = GymnasiumSide.doubles(py, nv);
    env.setState(qpos, qvel);
    assertClose(GymnasiumSide.doubles(py, dim), env.observation64(), at + " observation");
  }

  static float[][] randomActions(Space.Box box, SplittableRandom rng) {
    float[][] a = new float[STEPS][box.flatSize()];
    for (float[] row : a)
      for (int i = 0; i < row.length; i++)
        row[i] = (float) (box.low()[i] + (box.high()[i] - (double) box.low()[i]) * rng.nextDouble());
    return a;
  }

  private static Map<String, Double> lastInfo(ByteBuffer py) {
    byte[] rest = new byte[py.remaining()];
    py.get(rest);
    Map<String, Double> m = new HashMap<>();
    for (String kv : new String(rest, StandardCharsets.UTF_8).split(";")) {
      if (kv.isEmpty()) continue;
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1).replace("inf", "Infinity")));
    }
    return m;
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i], a = actual[i];
      if (Double.compare(e, a) == 0) continue;
      if (!(Math.abs(e - a) <= TOL * Math.max(Math.abs(e), Math.abs(a))))
        fail(what + "[" + i + "]: Gymnasium " + e + ", Java " + a);
    }
  }
}

package dev.rlcompress.env.mujoco;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.Envs;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The start-state distributions match Gymnasium's: 10,000 resets on each side (different generators,
 * so the draws differ), then per state coordinate the same range, mean, standard deviation and
 * kurtosis (which tells uniform, 1.8, from normal, 3) within a few standard errors.
 */
class ResetNoiseTest extends WithGymnasium {
  private static final int N = 10_000;


  /** Mean, standard deviation, kurtosis, min, max of one coordinate. */
  record Moments(double mean, double sd, double kurtosis, double min, double max) {
    static Moments of(double[][] states, int j) {
      double m = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
      for (double[] s : states) {
        m += s[j];
        min = Math.min(min, s[j]);
        max = Math.max(max, s[j]);
      }
      m /= states.length;
      double m2 = 0, m4 = 0;
      for (double[] s : states) {
        double d = (s[j] - m) * (s[j] - m);
        m2 += d;
        m4 += d * d;
      }
      m2 /= states.length;
      m4 /= states.length;
      return new Moments(m, Math.sqrt(m2), m2 > 0 ? m4 / (m2 * m2) : 0, min, max);
    }
  }

  /** Same seed, same start (issue 7 item 16): reset noise comes from NumPy's generator as in Gymnasium. */
  @ParameterizedTest(name = "{0}: seeds 0..99 start where Gymnasium starts")
  @MethodSource("taskIds")
  void sameSeedSameStartStateAsGymnasium(String id) {
    gym.send("seeded_resets", id, 0, "100", new byte[0]);
    try (MujocoEnv env = (MujocoEnv) Envs.make(id)) {
      ByteBuffer py = gym.receive(id);
      int nq = py.getInt(), nv = py.getInt();
      for (int seed = 0; seed < 100; seed++) {
        env.reset(seed);
        double[] qpos = GymnasiumSide.doubles(py, nq), qvel = GymnasiumSide.doubles(py, nv);
        org.junit.jupiter.api.Assertions.assertArrayEquals(qpos, env.qpos(), 0.0, id + " qpos, seed " + seed);
        org.junit.jupiter.api.Assertions.assertArrayEquals(qvel, env.qvel(), 0.0, id + " qvel, seed " + seed);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taskIds")
  void startStatesAreDistributedAsGymnasiums(String id) {
    gym.send("resets", id, 7, Integer.toString(N), new byte[0]); // both sides work at once
    double[][] javaStates = new double[N][];
    int nq, nv;
    try (MujocoEnv env = (MujocoEnv) Envs.make(id)) {
      nq = env.qpos().length;
      nv = env.qvel().length;
      for (int i = 0; i < N; i++) {
        if (i == 0) env.reset(7);
        else env.reset();
        double[] s = new double[nq + nv];
        System.arraycopy(env.qpos(), 0, s, 0, nq);
        System.arraycopy(env.qvel(), 0, s, nq, nv);
        javaStates[i] = s;
      }
    }
    ByteBuffer py = gym.receive(id);
    assertEquals(nq, py.getInt());
    assertEquals(nv, py.getInt());
    double[][] gymStates = new double[N][];
    for (int i = 0; i < N; i++) gymStates[i] = GymnasiumSide.doubles(py, nq + nv);
    for (int j = 0; j < nq + nv; j++) {
      Moments g = Moments.of(gymStates, j), x = Moments.of(javaStates, j);
      String at = id + " state[" + j + "]: Gymnasium " + g + ", Java " + x;
      if (g.sd() == 0) {
        assertEquals(g.mean(), x.mean(), 1e-12, at);
        assertEquals(0, x.sd(), 1e-12, at);
        continue;
      }
      if (g.kurtosis() < 2.5) { // bounded (uniform-like) draws: the same range; normal tails are left to the kurtosis
        double slack = 0.01 * (g.max() - g.min());
        assertTrue(x.min() >= g.min() - slack && x.max() <= g.max() + slack, "range " + at);
      }
      assertEquals(g.mean(), x.mean(), 0.07 * g.sd(), "mean " + at);
      assertEquals(g.sd(), x.sd(), 0.05 * g.sd(), "sd " + at);
      assertEquals(g.kurtosis(), x.kurtosis(), 0.35, "kurtosis " + at);
    }
  }
}

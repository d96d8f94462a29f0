package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same start: for seeds 0..99, every classic-control environment's {@code reset(seed)}
 * gives exactly the state and observation of Gymnasium's {@code env.reset(seed=s)} (run in the
 * project's .venv), leaves NumPy's generator at the same place, and an unseeded {@code reset()}
 * afterwards continues it as Gymnasium does.
 */
class GymResetParityTest {
  private static GymOracle oracle;

  @BeforeAll
  static void runGymnasium() {
    oracle = GymOracle.run("classic");
  }

  @AfterAll
  static void cleanUp() {
    if (oracle != null) oracle.delete();
  }

  @Test
  void cartPole() {
    check("CartPole-v1", e -> ((CartPole) e).state());
  }

  @Test
  void acrobot() {
    check("Acrobot-v1", e -> ((Acrobot) e).state());
  }

  @Test
  void mountainCar() {
    check("MountainCar-v0", e -> ((MountainCar) e).state());
  }

  @Test
  void mountainCarContinuous() {
    check("MountainCarContinuous-v0", e -> ((MountainCar) e).state());
  }

  @Test
  void pendulum() {
    check("Pendulum-v1", e -> ((Pendulum) e).state());
  }

  private static void check(String id, Function<Env, double[]> state) {
    JsonArray rows = oracle.values().getAsJsonArray(id);
    assertEquals(100, rows.size());
    AbstractEnv env = (AbstractEnv) Envs.make(id);
    for (int seed = 0; seed < rows.size(); seed++) {
      JsonObject row = rows.get(seed).getAsJsonObject();
      float[] obs = env.reset(seed);
      assertBits(GymOracle.doubles(row.get("state")), state.apply(env), id + " state, seed " + seed);
      assertFloats(GymOracle.doubles(row.get("obs")), obs, id + " observation, seed " + seed);
      assertEquals(row.get("next_random").getAsDouble(), env.npRandom().random(), 0.0,
          id + ": reset(seed=" + seed + ") drew as many numbers as Gymnasium's");
      assertFloats(GymOracle.doubles(row.get("obs_unseeded")), env.reset(), id + " unseeded reset after seed " + seed);
    }
  }

  private static void assertBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++)
      assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
          what + " [" + i + "]: Gymnasium " + expected[i] + ", rl-compress " + actual[i]);
  }

  private static void assertFloats(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++)
      assertEquals((float) expected[i], actual[i], 0f, what + " [" + i + "]");
  }
}

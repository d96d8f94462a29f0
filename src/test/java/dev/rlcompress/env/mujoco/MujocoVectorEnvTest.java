package dev.rlcompress.env.mujoco;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.VectorEnv;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * MuJoCo tasks run in the existing VectorEnv: copy i replays a lone env seeded seed + i, auto-reset
 * included (its k-th later episode seeded as {@link VectorEnv#episodeSeed} says).
 */
class MujocoVectorEnvTest {
  @Test
  void vectorCopiesReplayLoneEnvsThroughAutoReset() {
    int n = 3, steps = 300;
    long seed = 40;
    VectorEnv vec = new VectorEnv("InvertedPendulum-v5", n);
    Env[] lone = new Env[n];
    float[][] obs = vec.reset(seed);
    float[][] loneObs = new float[n][];
    for (int i = 0; i < n; i++) {
      lone[i] = Envs.make("InvertedPendulum-v5");
      loneObs[i] = lone[i].reset(seed + i);
      assertArrayEquals(loneObs[i], obs[i]);
    }
    SplittableRandom rng = new SplittableRandom(1);
    int ended = 0;
    long[] episode = new long[n];
    for (int t = 0; t < steps; t++) {
      float[][] actions = new float[n][1];
      for (float[] a : actions) a[0] = (float) (6 * rng.nextDouble() - 3);
      obs = vec.step(actions);
      for (int i = 0; i < n; i++) {
        Step s = lone[i].step(actions[i]);
        assertEquals(s.reward(), vec.reward(i));
        assertEquals(s.terminated(), vec.terminated(i));
        if (s.done()) {
          ended++;
          assertArrayEquals(s.observation(), vec.finalObservation(i));
          loneObs[i] = lone[i].reset(VectorEnv.episodeSeed(seed, i, ++episode[i]));
        } else {
          loneObs[i] = s.observation();
        }
        assertArrayEquals(loneObs[i], obs[i], "copy " + i + " step " + t);
      }
    }
    assertTrue(ended > n, "random actions end InvertedPendulum episodes quickly: " + ended);
    for (int i = 0; i < n; i++) {
      lone[i].close();
      vec.env(i).close();
    }
  }
}

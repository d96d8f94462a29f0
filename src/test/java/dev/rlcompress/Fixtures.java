package dev.rlcompress;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared test data: stored observation sets and random tensors. */
public final class Fixtures {
  private Fixtures() {}

  /** {@code n} LunarLander-v3 states visited by a uniformly random policy, reproducible from {@code seed}. */
  public static List<float[]> lunarLanderStates(int n, long seed) {
    Env env = Envs.make("LunarLander-v3");
    SplittableRandom rng = new SplittableRandom(seed);
    List<float[]> states = new ArrayList<>();
    float[] o = env.reset(seed);
    while (states.size() < n) {
      states.add(o);
      Step s = env.step(rng.nextInt(4));
      o = s.done() ? env.reset() : s.observation();
    }
    return states;
  }

  public static float[] rand(int n, SplittableRandom rng) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
    return a;
  }
}

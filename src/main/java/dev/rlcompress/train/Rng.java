package dev.rlcompress.train;

import java.util.random.RandomGenerator;

/**
 * The training stream of random numbers (exploration, action sampling, minibatch sampling): SplitMix64
 * (Steele, Lea and Flood 2014), chosen because its whole state is one long that a checkpoint can store,
 * so a resumed run continues the exact stream an uninterrupted run would have drawn.
 */
public final class Rng implements RandomGenerator {
  private long state;

  private Rng(long state) {
    this.state = state;
  }

  /** The stream of a run with this seed (distinct from the weight-initialisation stream of the same seed). */
  public static Rng forRun(long seed) {
    return new Rng(mix(seed ^ 0x5DEECE66DL));
  }

  /** A generator continuing from a state saved by {@link #state()}. */
  public static Rng restore(long state) {
    return new Rng(state);
  }

  public long state() {
    return state;
  }

  @Override
  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package dev.rlcompress.env;

/**
 * N copies of one environment stepped together, with automatic reset: the engine under
 * {@link VectorEnv}. Pure-Java environments are simply stepped one after the other
 * ({@link #of(Env[])}); environments that live in another process (the Gymnasium bridge) step all
 * their copies in one message, so N copies do not cost N round trips per step.
 */
public interface EnvBatch extends AutoCloseable {
  /** Copy {@code i}, for its id, spaces and limits (and single-copy use). */
  Env env(int i);

  /** Resets copy {@code i} with {@code seeds[i]} and writes its first observation to {@code obs[i]}. */
  void reset(long[] seeds, float[][] obs);

  /**
   * Steps every copy with {@code actions[i]}. {@code steps[i]} is the step's result (its observation is
   * the final one when the episode ended); {@code next[i]} is the observation to act on next: the first
   * of a new episode, reset with {@code resetSeeds[i]}, when the episode ended, else the step's
   * observation. A negative seed resets without re-seeding (the copy's random stream continues).
   */
  void step(int[] actions, long[] resetSeeds, Step[] steps, float[][] next);

  /** As {@link #step(int[], long[], Step[], float[][])} with continuous actions. */
  void step(float[][] actions, long[] resetSeeds, Step[] steps, float[][] next);

  /** Releases every copy. Idempotent. */
  @Override
  void close();

  /** The copies stepped one after the other in this thread. */
  static EnvBatch of(Env[] envs) {
    Env[] copies = envs.clone();
    return new EnvBatch() {
      @Override
      public Env env(int i) {
        return copies[i];
      }

      @Override
      public void reset(long[] seeds, float[][] obs) {
        for (int i = 0; i < copies.length; i++) obs[i] = copies[i].reset(seeds[i]);
      }

      @Override
      public void step(int[] actions, long[] resetSeeds, Step[] steps, float[][] next) {
        for (int i = 0; i < copies.length; i++) settle(i, copies[i].step(actions[i]), resetSeeds, steps, next);
      }

      @Override
      public void step(float[][] actions, long[] resetSeeds, Step[] steps, float[][] next) {
        for (int i = 0; i < copies.length; i++) settle(i, copies[i].step(actions[i]), resetSeeds, steps, next);
      }

      private void settle(int i, Step s, long[] resetSeeds, Step[] steps, float[][] next) {
        steps[i] = s;
        next[i] = !s.done() ? s.observation() : resetSeeds[i] < 0 ? copies[i].reset() : copies[i].reset(resetSeeds[i]);
      }

      @Override
      public void close() {
        for (Env e : copies) e.close();
      }
    };
  }
}

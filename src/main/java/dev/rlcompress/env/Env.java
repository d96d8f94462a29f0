package dev.rlcompress.env;

/**
 * A single-agent environment with Gymnasium's semantics.
 *
 * <p>Seeding: {@link #reset(long)} re-seeds the environment's private random generator, so an
 * (environment, seed) pair always replays the same episode for the same actions. {@link #reset()}
 * continues the current generator, like Gymnasium's {@code reset(seed=None)}.
 *
 * <p>Time limits are applied by the environment itself: {@link Step#truncated()} becomes true on the
 * step that reaches {@link #maxEpisodeSteps()} (together with {@code terminated} when that step is
 * also terminal, as in Gymnasium).
 *
 * <p>An environment id may carry options as Gymnasium's {@code make(id, **kwargs)} does, written
 * {@code LunarLander-v3[enable_wind=true,wind_power=15]} (see {@link EnvSpec}).
 */
public interface Env extends AutoCloseable {
  String id();

  Space observationSpace();

  Space actionSpace();

  /** Re-seeds and starts a new episode. */
  float[] reset(long seed);

  /** Starts a new episode continuing the current random stream. */
  float[] reset();

  /** One step with a discrete action. Fails for continuous-action environments. */
  Step step(int action);

  /** One step with a continuous action (clipped to the action space). Fails for discrete environments. */
  Step step(float[] action);

  int maxEpisodeSteps();

  /**
   * Return at or above which an episode counts as a success (Gymnasium's {@code reward_threshold}),
   * or {@code NaN} where the environment defines none.
   */
  double successThreshold();

  /**
   * Releases what the environment holds outside the Java heap (native simulator memory, worker
   * processes). Idempotent; a no-op for pure-Java environments.
   */
  @Override
  default void close() {}
}

package dev.rlcompress.env;

import dev.rlcompress.env.random.Generator;

/**
 * Shared mechanics for every environment: the seeded generator, the time limit and the checks on the
 * action type. Subclasses implement only their dynamics.
 *
 * <p>The generator is NumPy's, seeded as Gymnasium seeds {@code env.np_random} on
 * {@code reset(seed=s)} ({@link Generator#seeded}), so that a subclass that draws what Gymnasium's
 * reset draws, in the same order, starts where Gymnasium starts.
 */
public abstract class AbstractEnv implements Env {
  private final String id;
  private final int maxEpisodeSteps;
  private final double successThreshold;
  private Generator npRandom = Generator.seeded(0); // Gymnasium would pick a random seed; 0 keeps runs reproducible
  private int elapsed;
  private boolean needsReset = true;

  protected AbstractEnv(String id, int maxEpisodeSteps, double successThreshold) {
    this.id = id;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.successThreshold = successThreshold;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final int maxEpisodeSteps() {
    return maxEpisodeSteps;
  }

  @Override
  public final double successThreshold() {
    return successThreshold;
  }

  @Override
  public final float[] reset(long seed) {
    npRandom = Generator.seeded(seed);
    return reset();
  }

  @Override
  public final float[] reset() {
    elapsed = 0;
    needsReset = false;
    return doReset();
  }

  @Override
  public final Step step(int action) {
    if (!(actionSpace() instanceof Space.Discrete d))
      throw new IllegalArgumentException(id + " has continuous actions; call step(float[])");
    if (action < 0 || action >= d.n())
      throw new IllegalArgumentException("action " + action + " outside " + d);
    checkReady();
    return limit(doStep(action, null));
  }

  @Override
  public final Step step(float[] action) {
    if (!(actionSpace() instanceof Space.Box b))
      throw new IllegalArgumentException(id + " has discrete actions; call step(int)");
    if (action.length != b.flatSize())
      throw new IllegalArgumentException(
          "action has " + action.length + " elements, " + id + " expects " + b.flatSize());
    checkReady();
    return limit(doStep(-1, action));
  }

  private void checkReady() {
    if (needsReset)
      throw new IllegalStateException(id + ": step() called before reset() or after the episode ended");
  }

  private Step limit(Step s) {
    elapsed++;
    boolean truncated = elapsed >= maxEpisodeSteps; // Gymnasium's TimeLimit: also on a terminal step
    if (s.terminated() || truncated) needsReset = true;
    return truncated && !s.truncated() ? s.withTruncated() : s;
  }

  protected abstract float[] doReset();

  /** Dynamics; {@code discrete} is the action for discrete envs, {@code continuous} for Box envs. */
  protected abstract Step doStep(int discrete, float[] continuous);

  /**
   * Gymnasium's {@code self.np_random}: re-created by {@link #reset(long)}, continued by
   * {@link #reset()} and by steps that draw.
   */
  protected final Generator npRandom() {
    return npRandom;
  }
}

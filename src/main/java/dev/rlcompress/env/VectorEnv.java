package dev.rlcompress.env;

/**
 * N copies of one environment stepped in lock-step, with automatic reset: when a copy's episode
 * ends, its final observation is kept in {@link #finalObservation(int)} (needed to bootstrap through
 * time-limit truncation) and the returned observation is already the first of the next episode.
 * Copy i is seeded with {@code seed + i} on the first reset. The copies come from
 * {@link Envs#batch(String, int)}: Gymnasium-backed ids step all copies of a worker in one message.
 */
public final class VectorEnv implements AutoCloseable {
  private final EnvBatch batch;
  private final float[][] obs;
  private final float[][] finalObs;
  private final Step[] steps;
  private final double[] episodeReturn;
  private final double[] lastReturn;
  private final boolean[] episodeEnded;

  public VectorEnv(String id, int n) {
    if (n <= 0) throw new IllegalArgumentException("need at least one environment");
    batch = Envs.batch(id, n);
    obs = new float[n][];
    finalObs = new float[n][];
    steps = new Step[n];
    episodeReturn = new double[n];
    lastReturn = new double[n];
    episodeEnded = new boolean[n];
  }

  public int size() {
    return batch.size();
  }

  public Env env(int i) {
    return batch.env(i);
  }

  public float[][] reset(long seed) {
    batch.reset(seed, obs);
    java.util.Arrays.fill(episodeReturn, 0);
    return obs;
  }

  /** Steps every copy with a discrete action. Returns the current observations (after auto-reset). */
  public float[][] step(int[] actions) {
    batch.step(actions, steps, obs);
    for (int i = 0; i < steps.length; i++) record(i);
    return obs;
  }

  /** Steps every copy with a continuous action. */
  public float[][] step(float[][] actions) {
    batch.step(actions, steps, obs);
    for (int i = 0; i < steps.length; i++) record(i);
    return obs;
  }

  private void record(int i) {
    Step s = steps[i];
    episodeReturn[i] += s.reward();
    episodeEnded[i] = s.done();
    finalObs[i] = s.done() ? s.observation() : null;
    if (s.done()) {
      lastReturn[i] = episodeReturn[i];
      episodeReturn[i] = 0;
    }
  }

  public double reward(int i) {
    return steps[i].reward();
  }

  public boolean terminated(int i) {
    return steps[i].terminated();
  }

  public boolean truncated(int i) {
    return steps[i].truncated();
  }

  /** The full result of copy i's latest step (its {@code info} included). */
  public Step lastStep(int i) {
    return steps[i];
  }

  /** The last observation of the episode that ended on the latest step, or null if none ended. */
  public float[] finalObservation(int i) {
    return finalObs[i];
  }

  /** Whether copy i finished an episode on the latest step; its return is then {@link #lastReturn(int)}. */
  public boolean episodeEnded(int i) {
    return episodeEnded[i];
  }

  public double lastReturn(int i) {
    return lastReturn[i];
  }

  /** Releases the copies (worker processes of Gymnasium-backed ids). */
  @Override
  public void close() {
    batch.close();
  }
}

package dev.rlcompress.env;

/**
 * N copies of one environment stepped in lock-step, with automatic reset: when a copy's episode
 * ends, its final observation is kept in {@link #finalObservation(int)} (needed to bootstrap through
 * time-limit truncation) and the returned observation is already the first of the next episode.
 * Copy i is seeded with {@code seed + i} on the first reset.
 */
public final class VectorEnv {
  private final Env[] envs;
  private final float[][] obs;
  private final float[][] finalObs;
  private final double[] rewards;
  private final boolean[] terminated, truncated;
  private final double[] episodeReturn;
  private final int[] episodeLength;
  private final double[] lastReturn;
  private final boolean[] episodeEnded;

  public VectorEnv(String id, int n) {
    if (n <= 0) throw new IllegalArgumentException("need at least one environment");
    envs = new Env[n];
    for (int i = 0; i < n; i++) envs[i] = Envs.make(id);
    obs = new float[n][];
    finalObs = new float[n][];
    rewards = new double[n];
    terminated = new boolean[n];
    truncated = new boolean[n];
    episodeReturn = new double[n];
    episodeLength = new int[n];
    lastReturn = new double[n];
    episodeEnded = new boolean[n];
  }

  public int size() {
    return envs.length;
  }

  public Env env(int i) {
    return envs[i];
  }

  public float[][] reset(long seed) {
    for (int i = 0; i < envs.length; i++) {
      obs[i] = envs[i].reset(seed + i);
      episodeReturn[i] = 0;
      episodeLength[i] = 0;
    }
    return obs;
  }

  /** Steps every copy with a discrete action. Returns the current observations (after auto-reset). */
  public float[][] step(int[] actions) {
    for (int i = 0; i < envs.length; i++) record(i, envs[i].step(actions[i]));
    return obs;
  }

  /** Steps every copy with a continuous action. */
  public float[][] step(float[][] actions) {
    for (int i = 0; i < envs.length; i++) record(i, envs[i].step(actions[i]));
    return obs;
  }

  private void record(int i, Step s) {
    rewards[i] = s.reward();
    terminated[i] = s.terminated();
    truncated[i] = s.truncated();
    episodeReturn[i] += s.reward();
    episodeLength[i]++;
    episodeEnded[i] = s.done();
    if (s.done()) {
      finalObs[i] = s.observation();
      lastReturn[i] = episodeReturn[i];
      episodeReturn[i] = 0;
      episodeLength[i] = 0;
      obs[i] = envs[i].reset();
    } else {
      finalObs[i] = null;
      obs[i] = s.observation();
    }
  }

  public double reward(int i) {
    return rewards[i];
  }

  public boolean terminated(int i) {
    return terminated[i];
  }

  public boolean truncated(int i) {
    return truncated[i];
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
}

package dev.rlcompress.env;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * N copies of one environment stepped in lock-step, with automatic reset: when a copy's episode
 * ends, its final observation is kept in {@link #finalObservation(int)} (needed to bootstrap through
 * time-limit truncation) and the returned observation is already the first of the next episode. The
 * copies come from {@link Envs#batch(String, int)}: Gymnasium-hosted ids step (and auto-reset) all
 * copies of a worker in one message.
 *
 * <p>Seeding: copy i's first episode is reset with {@code seed + i} (as Gymnasium's vector envs do);
 * its k-th later episode with a seed derived from (seed, i, k) rather than a continuing generator. That
 * makes the whole state of the vector env a few numbers plus the actions of the episodes in progress,
 * so {@link #snapshot()} / {@link #restore(State)} can rebuild it exactly by replaying those actions: a
 * resumed training run continues the very episodes an uninterrupted run would have played.
 */
public final class VectorEnv implements AutoCloseable {
  private final EnvBatch batch;
  private final float[][] obs;
  private final float[][] finalObs;
  private final Step[] steps;
  private final double[] episodeReturn;
  private final int[] episodeLength;
  private final double[] lastReturn;
  private final boolean[] episodeEnded;
  private final long[] episodeIndex;
  private final long[] nextSeeds;
  private final List<List<float[]>> actionsSinceReset = new ArrayList<>();
  private long seed;

  public VectorEnv(String id, int n) {
    if (n <= 0) throw new IllegalArgumentException("need at least one environment");
    batch = Envs.batch(id, n);
    obs = new float[n][];
    finalObs = new float[n][];
    steps = new Step[n];
    episodeReturn = new double[n];
    episodeLength = new int[n];
    lastReturn = new double[n];
    episodeEnded = new boolean[n];
    episodeIndex = new long[n];
    nextSeeds = new long[n];
    for (int i = 0; i < n; i++) actionsSinceReset.add(new ArrayList<>());
  }

  public int size() {
    return obs.length;
  }

  public Env env(int i) {
    return batch.env(i);
  }

  public float[][] reset(long seed) {
    this.seed = seed;
    long[] seeds = new long[obs.length];
    for (int i = 0; i < obs.length; i++) {
      episodeIndex[i] = 0;
      seeds[i] = episodeSeed(seed, i, 0);
      episodeStarted(i);
    }
    batch.reset(seeds, obs);
    return obs;
  }

  /** Seed of copy i's k-th episode: {@code seed + i} for the first, a SplitMix64 hash of (seed, i, k) after. */
  public static long episodeSeed(long seed, int i, long k) {
    if (k == 0) return seed + i;
    long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L + k * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) & Long.MAX_VALUE;
  }

  private void episodeStarted(int i) {
    episodeReturn[i] = 0;
    episodeLength[i] = 0;
    actionsSinceReset.get(i).clear();
  }

  /** Steps every copy with a discrete action. Returns the current observations (after auto-reset). */
  public float[][] step(int[] actions) {
    for (int i = 0; i < obs.length; i++) {
      actionsSinceReset.get(i).add(new float[] {actions[i]});
      nextSeeds[i] = episodeSeed(seed, i, episodeIndex[i] + 1);
    }
    batch.step(actions, nextSeeds, steps, obs);
    for (int i = 0; i < obs.length; i++) record(i);
    return obs;
  }

  /** Steps every copy with a continuous action. */
  public float[][] step(float[][] actions) {
    for (int i = 0; i < obs.length; i++) {
      actionsSinceReset.get(i).add(actions[i].clone());
      nextSeeds[i] = episodeSeed(seed, i, episodeIndex[i] + 1);
    }
    batch.step(actions, nextSeeds, steps, obs);
    for (int i = 0; i < obs.length; i++) record(i);
    return obs;
  }

  private void record(int i) {
    Step s = steps[i];
    episodeReturn[i] += s.reward();
    episodeLength[i]++;
    episodeEnded[i] = s.done();
    finalObs[i] = s.done() ? s.observation() : null;
    if (s.done()) {
      lastReturn[i] = episodeReturn[i];
      episodeIndex[i]++;
      episodeStarted(i);
    }
  }

  /**
   * Everything needed to rebuild this vector env's current state: the seed, each copy's episode index
   * and the actions taken since that episode's reset.
   */
  public record State(long seed, long[] episodeIndex, List<List<float[]>> actions) {}

  public State snapshot() {
    List<List<float[]>> acts = new ArrayList<>();
    for (List<float[]> a : actionsSinceReset) acts.add(a.stream().map(float[]::clone).toList());
    return new State(seed, episodeIndex.clone(), acts);
  }

  /** Rebuilds the state {@link #snapshot()} saw by resetting each copy and replaying its actions. */
  public float[][] restore(State st) {
    if (st.episodeIndex().length != obs.length)
      throw new IllegalArgumentException("state of " + st.episodeIndex().length + " copies, this has " + obs.length);
    seed = st.seed();
    boolean discrete = env(0).actionSpace() instanceof Space.Discrete;
    for (int i = 0; i < obs.length; i++) {
      Env e = env(i);
      episodeIndex[i] = st.episodeIndex()[i];
      episodeStarted(i);
      obs[i] = e.reset(episodeSeed(seed, i, episodeIndex[i]));
      for (float[] a : st.actions().get(i)) {
        Step s = discrete ? e.step((int) a[0]) : e.step(a);
        if (s.done()) throw new IllegalStateException("replayed episode ended early: the environment is not deterministic");
        actionsSinceReset.get(i).add(a.clone());
        obs[i] = s.observation();
        episodeReturn[i] += s.reward();
        episodeLength[i]++;
      }
    }
    Arrays.fill(episodeEnded, false);
    return obs;
  }

  /**
   * Continues from the state {@link #snapshot()} saw without replaying it: every copy starts its next
   * episode (index + 1, so the seeds are those an uninterrupted run would have used next). For
   * environments whose episodes cannot be rebuilt from a seeded reset and their actions (Atari with
   * episodic life: after a lost life the game goes on, so the episode does not start from a reset).
   * Deterministic given the state, but not the uninterrupted run's continuation.
   */
  public float[][] restart(State st) {
    if (st.episodeIndex().length != obs.length)
      throw new IllegalArgumentException("state of " + st.episodeIndex().length + " copies, this has " + obs.length);
    seed = st.seed();
    long[] seeds = new long[obs.length];
    for (int i = 0; i < obs.length; i++) {
      episodeIndex[i] = st.episodeIndex()[i] + 1;
      seeds[i] = episodeSeed(seed, i, episodeIndex[i]);
      episodeStarted(i);
    }
    batch.reset(seeds, obs);
    Arrays.fill(episodeEnded, false);
    return obs;
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

  /** Observations as of the latest step or reset. */
  public float[][] observations() {
    return obs;
  }

  /** Releases the copies (the worker processes of Gymnasium-hosted ids). */
  @Override
  public void close() {
    batch.close();
  }
}

package dev.rlcompress.train;

import dev.rlcompress.util.Rows;
import java.util.Map;



/**
 * Uniform experience replay in flat float arrays (cheap to sample, cheap to checkpoint), for discrete
 * actions (one action index per transition) and continuous ones ({@code actDim} floats, stored in the
 * [-1, 1] scaling of {@link ActionBox}, as SB3 stores them). Stores {@code terminated}, not
 * {@code done}: a time-limit truncation still bootstraps, as in SB3's handle_timeout_termination.
 */
final class ReplayBuffer {
  final int capacity, obsDim, actDim;
  final float[] obs, nextObs, rewards, terminated, actions;
  int size, pos;

  /** A buffer for discrete actions. */
  ReplayBuffer(int capacity, int obsDim) {
    this(capacity, obsDim, 1);
  }

  ReplayBuffer(int capacity, int obsDim, int actDim) {
    if ((long) capacity * Math.max(obsDim, actDim) > Integer.MAX_VALUE - 8)
      throw new dev.rlcompress.util.UserError("buffer_size " + capacity + " is too large for observations of " + obsDim + " values");
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.actDim = actDim;
    obs = new float[capacity * obsDim];
    nextObs = new float[capacity * obsDim];
    rewards = new float[capacity];
    terminated = new float[capacity];
    actions = new float[capacity * actDim];
  }

  void add(float[] o, int a, double r, float[] next, boolean term) {
    actions[pos] = a;
    store(o, r, next, term);
  }

  void add(float[] o, float[] a, double r, float[] next, boolean term) {
    System.arraycopy(a, 0, actions, pos * actDim, actDim);
    store(o, r, next, term);
  }

  private void store(float[] o, double r, float[] next, boolean term) {
    System.arraycopy(o, 0, obs, pos * obsDim, obsDim);
    System.arraycopy(next, 0, nextObs, pos * obsDim, obsDim);
    rewards[pos] = (float) r;
    terminated[pos] = term ? 1f : 0f;
    pos = (pos + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** A sampled minibatch, laid out row-major for tensor creation ({@code actions}: n × actDim). */
  record Batch(float[] obs, float[] actions, float[] rewards, float[] nextObs, float[] terminated) {
    /** The discrete action of transition i. */
    int action(int i) {
      return (int) actions[i];
    }
  }

  Batch sample(int n, java.util.random.RandomGenerator rng) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) rows[i] = rng.nextInt(size);
    return new Batch(Rows.gather(obs, obsDim, rows), Rows.gather(actions, actDim, rows), Rows.gather(rewards, 1, rows),
        Rows.gather(nextObs, obsDim, rows), Rows.gather(terminated, 1, rows));
  }

  /** The stored transitions under their checkpoint names (save and load read the one table). */
  private Map<String, float[]> arrays() {
    return Map.of("replay.obs", obs, "replay.next", nextObs, "replay.rewards", rewards, "replay.terminated", terminated,
        "replay.actions", actions);
  }

  void save(Checkpoint c) {
    c.putArrays(arrays());
    c.put("replay.size", size);
    c.put("replay.pos", pos);
  }

  void load(Checkpoint c) {
    c.loadArrays(arrays());
    size = (int) c.number("replay.size");
    pos = (int) c.number("replay.pos");
  }
}

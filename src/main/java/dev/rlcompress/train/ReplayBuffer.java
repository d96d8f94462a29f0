package dev.rlcompress.train;



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
    float[] o = new float[n * obsDim], no = new float[n * obsDim], r = new float[n], t = new float[n];
    float[] a = new float[n * actDim];
    for (int i = 0; i < n; i++) {
      int j = rng.nextInt(size);
      System.arraycopy(obs, j * obsDim, o, i * obsDim, obsDim);
      System.arraycopy(nextObs, j * obsDim, no, i * obsDim, obsDim);
      System.arraycopy(actions, j * actDim, a, i * actDim, actDim);
      r[i] = rewards[j];
      t[i] = terminated[j];
    }
    return new Batch(o, a, r, no, t);
  }

  void save(Checkpoint c) {
    c.put("replay.obs", obs);
    c.put("replay.next", nextObs);
    c.put("replay.rewards", rewards);
    c.put("replay.terminated", terminated);
    c.put("replay.actions", actions);
    c.put("replay.size", size);
    c.put("replay.pos", pos);
  }

  void load(Checkpoint c) {
    System.arraycopy(c.array("replay.obs"), 0, obs, 0, obs.length);
    System.arraycopy(c.array("replay.next"), 0, nextObs, 0, nextObs.length);
    System.arraycopy(c.array("replay.rewards"), 0, rewards, 0, capacity);
    System.arraycopy(c.array("replay.terminated"), 0, terminated, 0, capacity);
    System.arraycopy(c.array("replay.actions"), 0, actions, 0, actions.length);
    size = (int) c.number("replay.size");
    pos = (int) c.number("replay.pos");
  }
}

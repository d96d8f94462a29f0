package dev.rlcompress.train;



/**
 * Uniform experience replay in flat float arrays (cheap to sample, cheap to checkpoint). Stores
 * {@code terminated}, not {@code done}: a time-limit truncation still bootstraps, as in SB3's
 * handle_timeout_termination.
 */
final class ReplayBuffer {
  final int capacity, obsDim;
  final float[] obs, nextObs, rewards, terminated;
  final int[] actions;
  int size, pos;

  ReplayBuffer(int capacity, int obsDim) {
    this.capacity = capacity;
    this.obsDim = obsDim;
    obs = new float[capacity * obsDim];
    nextObs = new float[capacity * obsDim];
    rewards = new float[capacity];
    terminated = new float[capacity];
    actions = new int[capacity];
  }

  void add(float[] o, int a, double r, float[] next, boolean term) {
    System.arraycopy(o, 0, obs, pos * obsDim, obsDim);
    System.arraycopy(next, 0, nextObs, pos * obsDim, obsDim);
    actions[pos] = a;
    rewards[pos] = (float) r;
    terminated[pos] = term ? 1f : 0f;
    pos = (pos + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** A sampled minibatch, laid out row-major for tensor creation. */
  record Batch(float[] obs, int[] actions, float[] rewards, float[] nextObs, float[] terminated) {}

  Batch sample(int n, java.util.random.RandomGenerator rng) {
    float[] o = new float[n * obsDim], no = new float[n * obsDim], r = new float[n], t = new float[n];
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      int j = rng.nextInt(size);
      System.arraycopy(obs, j * obsDim, o, i * obsDim, obsDim);
      System.arraycopy(nextObs, j * obsDim, no, i * obsDim, obsDim);
      a[i] = actions[j];
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
    float[] acts = new float[capacity];
    for (int i = 0; i < capacity; i++) acts[i] = actions[i];
    c.put("replay.actions", acts);
    c.put("replay.size", size);
    c.put("replay.pos", pos);
  }

  void load(Checkpoint c) {
    System.arraycopy(c.array("replay.obs"), 0, obs, 0, obs.length);
    System.arraycopy(c.array("replay.next"), 0, nextObs, 0, nextObs.length);
    System.arraycopy(c.array("replay.rewards"), 0, rewards, 0, capacity);
    System.arraycopy(c.array("replay.terminated"), 0, terminated, 0, capacity);
    float[] acts = c.array("replay.actions");
    for (int i = 0; i < capacity; i++) actions[i] = (int) acts[i];
    size = (int) c.number("replay.size");
    pos = (int) c.number("replay.pos");
  }
}

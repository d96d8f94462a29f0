package dev.rlcompress.train;

import dev.rlcompress.model.Normalization;

/**
 * Running mean and variance of a vector stream, combined batch by batch with Chan et al.'s parallel
 * formula and started from a count of 1e-4, as Stable-Baselines3's RunningMeanStd (behind
 * VecNormalize). Observation normalization uses it directly; reward normalization feeds it the
 * discounted running return. The frozen statistics become the model's {@link Normalization}, so the
 * exported graph normalizes raw observations exactly as training did.
 */
final class RunningMeanStd {
  /** VecNormalize's epsilon inside the square root. */
  static final double EPS = 1e-8;
  final double[] mean, var;
  double count = 1e-4;

  RunningMeanStd(int dim) {
    mean = new double[dim];
    var = new double[dim];
    java.util.Arrays.fill(var, 1.0);
  }

  /** Adds a batch of samples (rows). */
  void update(float[][] batch) {
    int n = batch.length, d = mean.length;
    double[] bm = new double[d], bv = new double[d];
    for (float[] x : batch) for (int k = 0; k < d; k++) bm[k] += x[k] / (double) n;
    for (float[] x : batch) for (int k = 0; k < d; k++) bv[k] += (x[k] - bm[k]) * (x[k] - bm[k]) / n;
    double total = count + n;
    for (int k = 0; k < d; k++) {
      double delta = bm[k] - mean[k];
      double m2 = var[k] * count + bv[k] * n + delta * delta * count * n / total;
      mean[k] += delta * n / total;
      var[k] = m2 / total;
    }
    count = total;
  }

  /** The statistics as a model normalization, {@code clip((x - mean) / sqrt(var + 1e-8), ±clip)}, in float32. */
  Normalization normalization(float clip) {
    float[] m = new float[mean.length], s = new float[mean.length];
    for (int k = 0; k < m.length; k++) {
      m[k] = (float) mean[k];
      s[k] = (float) Math.sqrt(var[k] + EPS);
    }
    return new Normalization(m, s, clip);
  }

  /** {@code x / sqrt(var + 1e-8)} clipped to ±clip: SB3's reward normalization (scale only, no centering). */
  double scale(int k, double x, double clip) {
    return Math.max(-clip, Math.min(clip, x / Math.sqrt(var[k] + EPS)));
  }

  RunningMeanStd copy() {
    RunningMeanStd c = new RunningMeanStd(mean.length);
    c.copyFrom(this);
    return c;
  }

  void copyFrom(RunningMeanStd o) {
    System.arraycopy(o.mean, 0, mean, 0, mean.length);
    System.arraycopy(o.var, 0, var, 0, var.length);
    count = o.count;
  }

  /** Exact (double) state into a checkpoint, so a resumed run normalizes bit for bit as before. */
  void save(Checkpoint c, String prefix) {
    for (int k = 0; k < mean.length; k++) {
      c.put(prefix + ".mean." + k, Double.doubleToLongBits(mean[k]));
      c.put(prefix + ".var." + k, Double.doubleToLongBits(var[k]));
    }
    c.put(prefix + ".count", Double.doubleToLongBits(count));
  }

  void load(Checkpoint c, String prefix) {
    for (int k = 0; k < mean.length; k++) {
      mean[k] = Double.longBitsToDouble(c.number(prefix + ".mean." + k));
      var[k] = Double.longBitsToDouble(c.number(prefix + ".var." + k));
    }
    count = Double.longBitsToDouble(c.number(prefix + ".count"));
  }
}

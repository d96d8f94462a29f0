package dev.rlcompress.model;

/**
 * Observation normalization {@code clip((x - mean) / std, -clip, clip)} frozen at the end of training.
 * Part of the model, not of the environment, so that an exported policy consumes raw observations.
 */
public record Normalization(float[] mean, float[] std, float clip) {
  public Normalization {
    if (mean.length != std.length) throw new IllegalArgumentException("mean and std differ in length");
    for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive");
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && java.util.Arrays.equals(mean, n.mean)
        && java.util.Arrays.equals(std, n.std) && clip == n.clip;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(mean);
  }

  public float[] apply(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float v = (x[i] - mean[i]) / std[i];
      y[i] = Math.max(-clip, Math.min(clip, v));
    }
    return y;
  }
}

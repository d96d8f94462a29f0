package dev.rlcompress.model;

/**
 * Observation normalization {@code clip((x - mean) / std, -clip, clip)} frozen at the end of training.
 * Part of the model, not of the environment, so that an exported policy consumes raw observations.
 *
 * <p>{@code mean} and {@code std} hold one value per observation element, or a single value for every
 * element ({@link #uniform}): pixel policies scale frames by 1/255 this way, which exports as two scalar
 * constants instead of two frame-sized ones (226 KB for an 84×84×4 stack, more than an int8 head).
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

  /** The same {@code mean} and {@code std} for every element (e.g. raw frames: 0, 255 and clip 1 map 0..255 to 0..1). */
  public static Normalization uniform(float mean, float std, float clip) {
    return new Normalization(new float[] {mean}, new float[] {std}, clip);
  }

  /** Whether one mean and one std apply to every element. */
  public boolean isUniform() {
    return mean.length == 1;
  }

  public float[] apply(float[] x) {
    if (!isUniform() && x.length != mean.length)
      throw new IllegalArgumentException("normalization of " + mean.length + " values applied to " + x.length);
    float[] y = new float[x.length];
    boolean u = isUniform();
    for (int i = 0; i < x.length; i++) {
      float v = (x[i] - mean[u ? 0 : i]) / std[u ? 0 : i];
      y[i] = Math.max(-clip, Math.min(clip, v));
    }
    return y;
  }
}

package dev.rlcompress.compress.quantize;

/**
 * Affine uint8 quantization parameters of one tensor: {@code q = clamp(rint(x / scale) + zeroPoint, 0, 255)}.
 * Scale 0 marks an all-zero tensor (DynamicQuantizeLinear's convention); a non-finite scale is never
 * representable, so a NaN can never reach a graph.
 */
public record QuantParams(float scale, int zeroPoint) {
  public QuantParams {
    if (!Float.isFinite(scale) || scale < 0) throw new IllegalArgumentException("quantization scale must be finite and >= 0, got " + scale);
    if (zeroPoint < 0 || zeroPoint > 255) throw new IllegalArgumentException("uint8 zero point out of range: " + zeroPoint);
  }

  /** The representable range [lo, hi] of these parameters. */
  public float lo() {
    return -zeroPoint * scale;
  }

  public float hi() {
    return (255 - zeroPoint) * scale;
  }
}

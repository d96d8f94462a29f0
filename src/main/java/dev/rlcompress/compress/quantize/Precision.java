package dev.rlcompress.compress.quantize;

import dev.rlcompress.util.UserError;

/**
 * How one weighted layer is stored when precision is chosen layer by layer ({@link QuantOptions.Mixed}):
 * the weight-only and dynamic schemes, which need neither calibration nor fine-tuning, so any layer can
 * take any of them independently of the others. Ordered from the most to the fewest bits.
 */
public enum Precision {
  FP32("fp32"),
  FP16("fp16"),
  INT8_PER_CHANNEL("int8-pc"),
  INT8_PER_TENSOR("int8-pt"),
  INT4("int4"),
  BINARY("binary");

  /** Short name in the provenance and in explanations. */
  public final String label;

  Precision(String label) {
    this.label = label;
  }

  /** The scheme that stores a layer this way; null for fp32 (the plain exporter writes it). */
  LayerScheme scheme() {
    return switch (this) {
      case FP32 -> null;
      case FP16 -> new Fp16Weights();
      case INT8_PER_CHANNEL -> new DynamicInt8(true);
      case INT8_PER_TENSOR -> new DynamicInt8(false);
      case INT4 -> new Int4Weights(32);
      case BINARY -> new BinaryWeights();
    };
  }

  public static Precision parse(String s) {
    for (Precision p : values()) if (p.label.equals(s)) return p;
    throw new UserError("unknown precision '" + s + "'; known: fp32, fp16, int8-pc, int8-pt, int4, binary");
  }
}

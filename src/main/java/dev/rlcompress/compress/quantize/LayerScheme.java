package dev.rlcompress.compress.quantize;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;

/**
 * How one weighted layer is quantized: the ONNX nodes that compute it, and the exact Java reference of
 * the same arithmetic. Keeping both in one class is what lets tests hold ONNX Runtime to the reference
 * with tolerances derived from the scales.
 */
public interface LayerScheme {
  /** Short name recorded in provenance, e.g. "ptdq-int8-per-channel". */
  String describe();

  /** Whether the scheme can quantize this layer kind. */
  boolean supports(Layer layer);

  /** Emits the quantized layer reading {@code input}; returns the output tensor name. */
  String write(GraphBuilder g, Layer layer, LayerId prefix, String input, int[] inputShape);

  /** The same computation in Java on one sample. */
  float[] reference(Layer layer, LayerId prefix, float[] x, int[] inputShape);

  /**
   * Largest change of this layer's output that ONNX Runtime may legitimately differ from {@link #reference}
   * by, for input {@code x}: for integer schemes two input elements landing on the other side of a
   * rounding boundary (each moves an output by at most x_scale·max|W|), for float schemes the
   * summation-order error n·ε·Σ|w·x|.
   */
  default float stepBound(Layer layer, LayerId prefix, float[] x, int[] inputShape) {
    return QuantBounds.floatRounding(layer, x, 1.2e-7f);
  }

  /** A whole-graph rewrite applied after export (identity for per-layer schemes). */
  default ai.onnx.proto.OnnxMl.ModelProto finish(ai.onnx.proto.OnnxMl.ModelProto proto) {
    return proto;
  }

  /** Whether the graph uses com.microsoft contrib operators. */
  default boolean microsoftOps() {
    return false;
  }

  /** Quantized weights of a Linear/Conv layer, symmetric int8, per output channel or per tensor. */
  record Int8Weights(byte[] q, float[] scale, int rows, int cols) {
    static Int8Weights of(float[] w, int rows, int cols, boolean perChannel) {
      float[] maxAbs = QMath.maxAbs(w, rows, cols, perChannel);
      float[] scale = new float[maxAbs.length];
      for (int i = 0; i < scale.length; i++) scale[i] = QMath.symmetricScale(maxAbs[i]);
      byte[] q = new byte[w.length];
      for (int r = 0; r < rows; r++) {
        float s = scale[perChannel ? r : 0];
        for (int c = 0; c < cols; c++) q[r * cols + c] = QMath.quantizeS8(w[r * cols + c], s);
      }
      return new Int8Weights(q, scale, rows, cols);
    }

    float scaleOf(int row) {
      return scale[scale.length == 1 ? 0 : row];
    }
  }
}

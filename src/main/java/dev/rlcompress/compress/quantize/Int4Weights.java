package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import java.util.Map;

/**
 * Block-wise int4 weight-only quantization with ONNX Runtime's MatMulNBits (com.microsoft): each row
 * of W is split into blocks of {@code blockSize} input weights sharing one fp32 scale, values stored as
 * 4-bit codes q in [1, 15] around the default zero point 8 (symmetric: scale = max|w| / 7), two codes
 * per byte, low nibble first. Activations stay fp32. None of the reference studies tried 4 bits.
 */
public final class Int4Weights implements LayerScheme {
  private final int blockSize;

  public Int4Weights(int blockSize) {
    if (blockSize < 16 || Integer.bitCount(blockSize) != 1)
      throw new IllegalArgumentException("int4 block size must be a power of two >= 16");
    this.blockSize = blockSize;
  }

  @Override
  public String describe() {
    return "int4-block" + blockSize;
  }

  @Override
  public boolean supports(Layer layer) {
    return layer instanceof Layer.Linear;
  }

  @Override
  public boolean microsoftOps() {
    return true;
  }

  /** Codes [out][blocks*blockSize] (padded with the zero point) and scales [out][blocks]. */
  record Packed(int[] codes, float[] scales, int blocks) {}

  Packed pack(Layer.Linear l) {
    int blocks = (l.in() + blockSize - 1) / blockSize;
    int[] codes = new int[l.out() * blocks * blockSize];
    float[] scales = new float[l.out() * blocks];
    for (int o = 0; o < l.out(); o++)
      for (int b = 0; b < blocks; b++) {
        float max = 0;
        for (int k = b * blockSize; k < Math.min(l.in(), (b + 1) * blockSize); k++) max = Math.max(max, Math.abs(l.w(o, k)));
        float s = max > 0 ? max / 7f : 1f;
        scales[o * blocks + b] = s;
        for (int j = 0; j < blockSize; j++) {
          int k = b * blockSize + j;
          int q = k < l.in() ? Math.max(0, Math.min(15, QMath.rint(l.w(o, k) / s) + 8)) : 8;
          codes[(o * blocks + b) * blockSize + j] = q;
        }
      }
    return new Packed(codes, scales, blocks);
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    Layer.Linear l = (Layer.Linear) layer;
    Packed pk = pack(l);
    byte[] bytes = new byte[pk.codes().length / 2];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (pk.codes()[2 * i] | (pk.codes()[2 * i + 1] << 4));
    String b = g.raw(p + ".weight_int4", TensorProto.DataType.UINT8_VALUE, bytes, l.out(), pk.blocks(), blockSize / 2);
    String s = g.floats(p + ".weight_scale", pk.scales(), (long) l.out() * pk.blocks());
    String y = g.node("com.microsoft", "MatMulNBits", new String[] {x, b, s}, new String[] {g.fresh(p + ".mm")},
        Map.of("K", (long) l.in(), "N", (long) l.out(), "bits", 4L, "block_size", (long) blockSize));
    String bias = g.floats(p + ".bias", l.bias(), l.out());
    return g.node("Add", new String[] {y, bias}, g.fresh(p + ".out"));
  }

  @Override
  public float[] reference(Layer layer, LayerId p, float[] x, int[] shape) {
    Layer.Linear l = (Layer.Linear) layer;
    Packed pk = pack(l);
    float[] y = new float[l.out()];
    for (int o = 0; o < l.out(); o++) {
      float acc = 0;
      for (int k = 0; k < l.in(); k++) {
        int b = k / blockSize;
        float w = (pk.codes()[(o * pk.blocks() + b) * blockSize + k % blockSize] - 8) * pk.scales()[o * pk.blocks() + b];
        acc += w * x[k];
      }
      y[o] = acc + l.bias()[o];
    }
    return y;
  }
}

package dev.rlcompress.compress.quantize;

/**
 * The integer arithmetic every quantized graph uses, written once: the ONNX operator definitions
 * (QuantizeLinear, DynamicQuantizeLinear, MatMulNBits) rounded half to even as ONNX Runtime does.
 * Both the graph writers and the Java reference executor call these, so they cannot drift apart.
 */
public final class QMath {
  private QMath() {}

  /** Round half to even, as ONNX's QuantizeLinear specifies. */
  public static int rint(float x) {
    return (int) Math.rint(x);
  }

  /** uint8 quantization {@code clamp(rint(x / scale) + zp, 0, 255)}. */
  public static int quantizeU8(float x, float scale, int zp) {
    return Math.max(0, Math.min(255, rint(x / scale) + zp));
  }

  /** Symmetric int8 scale for {@code maxAbs}: values map to [-127, 127] (PyTorch's and ORT's symmetric choice). */
  public static float symmetricScale(float maxAbs) {
    return maxAbs > 0 ? maxAbs / 127f : 1f;
  }

  public static byte quantizeS8(float w, float scale) {
    return (byte) Math.max(-127, Math.min(127, rint(w / scale)));
  }

  /** Activation range [lo, hi] (0 always inside) to uint8 scale and zero point. */
  public static QuantParams affineU8(float lo, float hi) {
    lo = Math.min(lo, 0f);
    hi = Math.max(hi, 0f);
    float scale = (hi - lo) / 255f;
    if (scale == 0f) scale = 1f;
    int zp = Math.max(0, Math.min(255, rint(-lo / scale)));
    return new QuantParams(scale, zp);
  }

  /**
   * DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255, zero point =
   * saturate(round(-min / scale)); scale 0 for an all-zero input.
   */
  public static QuantParams dynamicRange(float[] x) {
    float lo = 0f, hi = 0f;
    for (float v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float scale = (hi - lo) / 255f;
    if (scale == 0f) return new QuantParams(0f, 0);
    int zp = Math.max(0, Math.min(255, rint(-lo / scale)));
    return new QuantParams(scale, zp);
  }

  /** Per-row (output channel) or whole-tensor max |w| for a weight laid out [rows][cols]. */
  public static float[] maxAbs(float[] w, int rows, int cols, boolean perRow) {
    float[] m = new float[perRow ? rows : 1];
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < cols; c++) {
        int k = perRow ? r : 0;
        m[k] = Math.max(m[k], Math.abs(w[r * cols + c]));
      }
    return m;
  }

  public static byte[] fp16Bytes(float[] x) {
    byte[] b = new byte[x.length * 2];
    for (int i = 0; i < x.length; i++) {
      short h = Float.floatToFloat16(x[i]);
      b[2 * i] = (byte) h;
      b[2 * i + 1] = (byte) (h >> 8);
    }
    return b;
  }

  public static float roundTripFp16(float x) {
    return Float.float16ToFloat(Float.floatToFloat16(x));
  }
}

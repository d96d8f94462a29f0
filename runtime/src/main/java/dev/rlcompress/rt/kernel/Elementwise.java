package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A run of per-element operations fused into one pass over each row, in place: observation
 * normalization (Sub, Div, Clip), activations that could not be fused into a layer (Tanh, a ReLU after
 * a non-fusing step), quantize-dequantize pairs of static int8 graphs, and fp16 rounding of full-fp16
 * graphs. Each operation computes exactly what its ONNX operator specifies, in the same order, so
 * results match operator by operator (division stays a division).
 */
public final class Elementwise implements Step {
  /** One per-element operation; constants are per feature (length = the row's padded width) or scalar. */
  public sealed interface Op permits Arith, Clip, Relu, Tanh, Qdq, RoundFp16 {}

  public enum Kind {
    ADD,
    SUB,
    MUL,
    DIV,
    /** Per-feature lower bound (the exporter's clip of a Gaussian mean to the action box). */
    MAX,
    /** Per-feature upper bound. */
    MIN
  }

  /** x ∘ c with a per-feature constant c (zero beyond the width, one for Div, so padding stays finite). */
  public record Arith(Kind kind, float[] c) implements Op {}

  public record Clip(float lo, float hi) implements Op {}

  public record Relu() implements Op {}

  public record Tanh() implements Op {}

  /** QuantizeLinear then DequantizeLinear to uint8 (or int8 when {@code signed}): (clamp(rint(x/s)+zp) − zp)·s. */
  public record Qdq(float scale, int zeroPoint, boolean signed) implements Op {}

  /** Rounds to the nearest fp16 value (what every op of a full-fp16 graph does to its output). */
  public record RoundFp16() implements Op {}

  private final int width;
  private final List<Op> ops;

  public Elementwise(int width, List<Op> ops) {
    this.width = width;
    this.ops = List.copyOf(ops);
  }

  /** The operations, in order. */
  public List<Op> ops() {
    return ops;
  }

  /** This run with {@code op} appended. */
  public Elementwise then(Op op) {
    List<Op> l = new ArrayList<>(ops);
    l.add(op);
    return new Elementwise(width, l);
  }

  /** A per-feature constant padded to the row stride: {@code fill} beyond the width. */
  public static float[] padded(float[] c, int width, float fill) {
    float[] p = new float[Lanes.stride(width)];
    java.util.Arrays.fill(p, fill);
    for (int i = 0; i < width; i++) p[i] = c.length == 1 ? c[0] : c[i];
    return p;
  }

  @Override
  public int inWidth() {
    return width;
  }

  @Override
  public int outWidth() {
    return width;
  }

  @Override
  public boolean inPlace() {
    return true;
  }

  @Override
  public String describe() {
    return "elementwise " + width + " " + ops.stream().map(o -> o.getClass().getSimpleName().toLowerCase()
        + (o instanceof Arith a ? "(" + a.kind().name().toLowerCase() + ")" : "")).toList();
  }

  private static final float MAGIC = 12582912f; // 1.5·2^23: adding and subtracting it rounds to an integer, ties to even

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int stride = Lanes.stride(width), n = Lanes.roundUp(width, L);
    for (int r = 0; r < batch; r++) {
      int o = r * stride;
      if (x != y) System.arraycopy(x, o, y, o, stride);
      for (Op op : ops) { // instanceof, not a pattern switch: no bootstrap on a fresh JVM's first call
        if (op instanceof Arith a) arith(a, y, o, n);
        else if (op instanceof Clip c)
          for (int i = 0; i < n; i += L) FloatVector.fromArray(S, y, o + i).max(c.lo()).min(c.hi()).intoArray(y, o + i);
        else if (op instanceof Relu)
          for (int i = 0; i < n; i += L) FloatVector.fromArray(S, y, o + i).max(0f).intoArray(y, o + i);
        else if (op instanceof Tanh)
          for (int i = 0; i < n; i += L) tanh(FloatVector.fromArray(S, y, o + i)).intoArray(y, o + i);
        else if (op instanceof Qdq q) qdq(q, y, o, n);
        else for (int i = 0; i < width; i++) y[o + i] = Float.float16ToFloat(Float.floatToFloat16(y[o + i]));
      }
    }
  }

  // tanh(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 9 (beyond, tanh is ±1 to float precision): a rational fitted for
  // this runtime (iteratively reweighted least squares on relative error, numpy, 200,000 points of
  // [0, 9]). Measured against Math.tanh over a sweep of [-10, 10]: at most 3.2e-7 absolute and 6 float
  // ulps relative (ElementwiseTest). One division and nine FMAs per vector: ~1.5x faster than the Vector
  // API's TANH on AVX-512, several times faster where that falls back to scalar code.
  private static final float P0 = 9.9999999107584869e-01f, P1 = 1.3362222998948303e-01f, P2 = 3.4734295329236645e-03f,
      P3 = 2.0254690712590354e-05f, P4 = 1.2887925088245211e-08f;
  private static final float Q1 = 4.6695541022536313e-01f, Q2 = 2.5792188754684090e-02f, Q3 = 3.2498011083730721e-04f,
      Q4 = 7.5801517629772719e-07f;

  /** tanh of each lane, within 3.2e-7 of Math.tanh (see the constants above). */
  static FloatVector tanh(FloatVector v) {
    FloatVector x = v.max(-9f).min(9f), z = x.mul(x);
    FloatVector p = z.fma(P4, P3).fma(z, FloatVector.broadcast(S, P2)).fma(z, FloatVector.broadcast(S, P1))
        .fma(z, FloatVector.broadcast(S, P0)).mul(x);
    FloatVector q = z.fma(Q4, Q3).fma(z, FloatVector.broadcast(S, Q2)).fma(z, FloatVector.broadcast(S, Q1))
        .fma(z, FloatVector.broadcast(S, 1f));
    return p.div(q);
  }

  private static void arith(Arith a, float[] y, int o, int n) {
    float[] c = a.c();
    for (int i = 0; i < n; i += L) {
      FloatVector v = FloatVector.fromArray(S, y, o + i), k = FloatVector.fromArray(S, c, i);
      v = switch (a.kind()) {
        case ADD -> v.add(k);
        case SUB -> v.sub(k);
        case MUL -> v.mul(k);
        case DIV -> v.div(k);
        case MAX -> v.max(k);
        case MIN -> v.min(k);
      };
      v.intoArray(y, o + i);
    }
  }

  /**
   * QuantizeLinear's round(x / s) + zp saturated, then back: rint by the 1.5·2^23 trick on values first
   * clamped to ±512 (beyond that the result saturates anyway, and the trick needs |v| < 2^22).
   */
  static void qdq(Qdq q, float[] y, int o, int n) {
    float lo = q.signed() ? -128 : 0, hi = q.signed() ? 127 : 255, zp = q.zeroPoint();
    for (int i = 0; i < n; i += L) {
      FloatVector v = FloatVector.fromArray(S, y, o + i).div(q.scale()).max(-512f).min(512f);
      v = v.add(MAGIC).sub(MAGIC).add(zp).max(lo).min(hi);
      v.sub(zp).mul(q.scale()).intoArray(y, o + i);
    }
  }

  /**
   * Widens the running range {@code range[0] ≤ range[1]} to cover x[o .. o+n) and the zero padding after
   * it up to a whole vector (the range already holds 0, as DynamicQuantizeLinear's does): whole vectors
   * only, reduced at the end, so no vector outlives the call. No scalar tail: with one (n = 8 under
   * 16 lanes ran only the tail), C2's first compile left the vector loop to an uncommon trap, and
   * after the trap the method ran C1 code that boxed every vector (4,800 bytes a call for the DQN's
   * 256-input layers, 2.1 against 1.5 µs for the static int8 layer, in a standalone harness).
   *
   * <p>The loop has the shape of the matrix kernels' accumulations, which have never boxed: the
   * running vectors start at {@code zero} (0 is in the range anyway) and are only ever arguments of
   * the fresh load's {@code min}/{@code max}, never receivers; the previous row's range is merged as
   * scalars. The earlier loop ({@code lo = lo.min(v)} from a broadcast of {@code range[0]}) was
   * compiled in 2 of 52 JVM runs of JavaRuntimeTest under -XX:UseAVX=2 with its min, max and
   * reductions not intrinsified: 12,864 bytes of boxes a call for the DQN, through 60 s of warm calls
   * (JFR allocation samples in Elementwise.widenRange, lanewise MIN/MAX fallbacks).
   */
  static void widenRange(float[] x, int o, int n, float[] range) {
    FloatVector lo = FloatVector.zero(S), hi = lo;
    for (int i = 0; i < n; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, o + i);
      lo = v.min(lo);
      hi = v.max(hi);
    }
    range[0] = Math.min(range[0], lo.reduceLanes(VectorOperators.MIN));
    range[1] = Math.max(range[1], hi.reduceLanes(VectorOperators.MAX));
  }

  /** The uint8 code minus the zero point, as a float: what an integer kernel multiplies by. */
  static void quantizeCentered(float[] x, int xo, float[] q, int qo, int n, float scale, float zp) {
    for (int i = 0; i < n; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i).div(scale).max(-512f).min(512f);
      v.add(MAGIC).sub(MAGIC).add(zp).max(0f).min(255f).sub(zp).intoArray(q, qo + i);
    }
  }
}

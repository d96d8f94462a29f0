package dev.rlcompress.train.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise kernels over parameter arrays (Vector API, scalar tail). */
final class Vec {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private Vec() {}

  /** {@code n} rounded up to whole vectors: the padded width of a row in the kernels' buffers. */
  static int pad(int n) {
    return (n + L - 1) / L * L;
  }

  /** t ← t + w·(s − t), i.e. (1−w)·t + w·s. */
  static void lerp(float[] t, float[] s, float w) {
    int i = 0;
    for (int n = S.loopBound(t.length); i < n; i += L) {
      FloatVector tv = FloatVector.fromArray(S, t, i);
      FloatVector.fromArray(S, s, i).sub(tv).fma(FloatVector.broadcast(S, w), tv).intoArray(t, i);
    }
    for (; i < t.length; i++) t[i] = Math.fma(w, s[i] - t[i], t[i]); // the vector lanes round alike
  }

  /** Σ x² in double (the float partial sums per vector are short, so no precision is lost). */
  static double sumSquares(float[] x) {
    double sum = 0;
    int i = 0;
    float[] lanes = lanes();
    for (int n = S.loopBound(x.length); i < n; ) {
      FloatVector acc = FloatVector.zero(S);
      for (int end = Math.min(n, i + 64 * L); i < end; i += L) {
        FloatVector v = FloatVector.fromArray(S, x, i);
        acc = v.fma(v, acc);
      }
      acc.intoArray(lanes, 0);
      sum += sum(lanes);
    }
    for (; i < x.length; i++) sum += (double) x[i] * x[i];
    return sum;
  }

  /**
   * Scratch for one vector's lanes, per thread. Horizontal sums store a vector here and add its lanes
   * in one fixed order with {@link #sum}: {@code reduceLanes(ADD)} leaves the order to the
   * implementation, and the interpreter and C2's intrinsic differ, so training depended on when the JIT
   * compiled a kernel and two runs with the same seed could diverge. (Callers store the vector
   * themselves: a vector passed to a method that is not inlined is boxed on the heap.)
   */
  static float[] lanes() {
    return LANES.get();
  }

  /** The first L floats of {@code lanes}, summed from lane 0 up. */
  static float sum(float[] lanes) {
    float s = 0;
    for (int i = 0; i < L; i++) s += lanes[i];
    return s;
  }

  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

  static void scale(float[] x, float s) {
    int i = 0;
    for (int n = S.loopBound(x.length); i < n; i += L) FloatVector.fromArray(S, x, i).mul(s).intoArray(x, i);
    for (; i < x.length; i++) x[i] *= s;
  }

  /** Independent FMA chains in {@link #fmaChains}. */
  static final int FMA_CHAINS = 10;

  /**
   * 10 independent chains of n vector FMAs (the peak-throughput probe); returns their sum. Ten covers
   * latency × FMA pipes on current x86 cores (4–5 cycles × 2) and leaves registers for the operands on
   * AVX2's 16: measured on this machine (AMD EPYC, AVX2, beside a training run, 9 alternated rounds),
   * 58–60 GFLOP/s against 53–60 for 12 chains. The chains are written out because the Vector API keeps
   * vectors in registers only as locals: the same loop over a {@code FloatVector[12]} boxes every
   * vector, 1.4 GFLOP/s.
   */
  static float fmaChains(int n) {
    FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-3f);
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
    for (int i = 0; i < n; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).reduceLanes(VectorOperators.ADD);
  }
}

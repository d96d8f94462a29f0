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
    for (int n = S.loopBound(x.length); i < n; ) {
      FloatVector acc = FloatVector.zero(S);
      for (int end = Math.min(n, i + 64 * L); i < end; i += L) {
        FloatVector v = FloatVector.fromArray(S, x, i);
        acc = v.fma(v, acc);
      }
      sum += acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < x.length; i++) sum += (double) x[i] * x[i];
    return sum;
  }

  static void scale(float[] x, float s) {
    int i = 0;
    for (int n = S.loopBound(x.length); i < n; i += L) FloatVector.fromArray(S, x, i).mul(s).intoArray(x, i);
    for (; i < x.length; i++) x[i] *= s;
  }
}

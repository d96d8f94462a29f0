package dev.rlcompress.env.mujoco;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sums of squares rounded exactly as Gymnasium's NumPy expressions round them, so rewards agree to the
 * last bit rather than to 1e-7.
 *
 * <p>Two NumPy facts matter (NumPy 2.x, checked against {@code np.sum} on random arrays of the sizes
 * the tasks use): {@code np.add.reduce} starts from 0 and adds NumPy's pairwise sum of all elements
 * (sequential below 8 elements, eight interleaved partial sums up to 128, halving above); and a
 * float32 array stays float32 through {@code np.square}, the sum and the product with a Python float
 * weight (NEP 50), which is what Gymnasium computes for the control cost of a float32 action.
 */
final class NumpySum {
  private static final int BLOCK = 128; // NumPy's PW_BLOCKSIZE

  private NumpySum() {}

  /** {@code np.sum(np.square(a))} for a float32 array, in float32. */
  static float squares(float[] a) {
    float[] sq = new float[a.length];
    for (int i = 0; i < a.length; i++) sq[i] = a[i] * a[i];
    return 0f + pairwise(sq, 0, sq.length);
  }

  /** {@code weight * np.sum(np.square(a))} for a float32 array: the weight is rounded to float32 first. */
  static float weightedSquares(double weight, float[] a) {
    return (float) weight * squares(a);
  }

  /** {@code np.sum(np.square(x))} for {@code n} float64 values starting at element {@code from} of a segment. */
  static double squares(MemorySegment s, int from, int n) {
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      double v = s.getAtIndex(ValueLayout.JAVA_DOUBLE, from + i);
      sq[i] = v * v;
    }
    return 0.0 + pairwise(sq, 0, n);
  }

  /** {@code np.sum(x)} for a float64 array. */
  static double sum(double[] x) {
    return 0.0 + pairwise(x, 0, x.length);
  }

  private static float pairwise(float[] a, int from, int n) {
    if (n < 8) {
      float r = 0f;
      for (int i = 0; i < n; i++) r += a[from + i];
      return r;
    }
    if (n <= BLOCK) {
      float[] r = new float[8];
      System.arraycopy(a, from, r, 0, 8);
      int i = 8;
      for (; i < n - n % 8; i += 8)
        for (int j = 0; j < 8; j++) r[j] += a[from + i + j];
      float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) res += a[from + i];
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
  }

  private static double pairwise(double[] a, int from, int n) {
    if (n < 8) {
      double r = 0;
      for (int i = 0; i < n; i++) r += a[from + i];
      return r;
    }
    if (n <= BLOCK) {
      double r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
      double r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
      int i = 8;
      for (; i < n - n % 8; i += 8) {
        int b = from + i;
        r0 += a[b];
        r1 += a[b + 1];
        r2 += a[b + 2];
        r3 += a[b + 3];
        r4 += a[b + 4];
        r5 += a[b + 5];
        r6 += a[b + 6];
        r7 += a[b + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[from + i];
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
  }
}

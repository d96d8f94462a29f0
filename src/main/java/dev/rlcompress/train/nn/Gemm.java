package dev.rlcompress.train.nn;

import static dev.rlcompress.train.nn.Vec.L;
import static dev.rlcompress.train.nn.Vec.S;

import dev.rlcompress.rt.kernel.Tiles;
import jdk.incubator.vector.FloatVector;

/**
 * The one matrix product the MLP needs, in three uses: C[m][n] = max(A·B + bias, floor) where B and C are
 * row-major with row length n (a whole number of vectors), and A is read element by element through
 * strides, so the same kernel computes X·Wᵀ (forward, B = Wᵀ), dZ·W (input gradient, B = W) and
 * dZᵀ·X (weight gradient, A transposed by its strides).
 *
 * <p>The bulk runs the runtime's register tiles ({@link Tiles}: 6×4, 4×4 and 1×4 vectors, outer-product
 * form; the 6×4 tile measured 18% faster than 4×4 on a 240×384×256 product), the same code that executes
 * exported policies. Column edges narrower than four vectors (row lengths the runtime pads away: the
 * input gradient of a critic's [obs | action] layer) use the 4×1 and 1×1 tiles here, one vector at a
 * time. An 8×2 tile for two-vector edges was dropped: each output is the same chain of FMAs over k in
 * every tile, so results are unchanged, and those products are a few percent of an update.
 */
final class Gemm {
  /**
   * Shape of one product: C is m×n, the sum runs over k, and A(i, kk) = a[i*aRow + kk*aCol].
   * {@code n} is a multiple of the vector length (buffers are padded to it).
   */
  record Shape(int m, int n, int k, int aRow, int aCol) {
    Shape {
      if (n % L != 0) throw new IllegalArgumentException("n must be padded to the vector length");
    }
  }

  private Gemm() {}

  /**
   * C = max(A·B + bias, floor): floor 0 applies a ReLU, −∞ nothing. Other activations run as a separate
   * pass over C, which keeps the tiles free of branches.
   */
  static void run(Tiles.Product p, Shape s, float[] a, float[] b, float[] c, float[] bias, float floor) {
    int m = s.m(), n = s.n(), m4 = m - m % 4, j = 0;
    p.a(a, s.aRow(), s.aCol()).b(b, n, s.k()).c(c, n, bias, floor);
    for (; j + 4 * L <= n; j += 4 * L) Tiles.rows(p, m, j, j);
    for (; j < n; j += L) { // column edges of one to three vectors, one vector at a time
      int i = 0;
      for (; i < m4; i += 4) tile4x1(s, a, b, c, bias, floor, i, j);
      for (; i < m; i++) tile1x1(s, a, b, c, bias, floor, i, j);
    }
  }

  /**
   * C[i][o] = max(Σ_k A[i][k]·W[o][k] + bias[o], floor) for o < outs: one dot product per output along
   * rows of A and W (both row length k, a whole number of vectors, zero-padded). For a layer with few
   * outputs (a Q-value, an action) this does outs/16 of the work of the outer-product tiles, which would
   * fill a whole vector of outputs.
   */
  static void rowDots(Shape s, int outs, float[] a, float[] w, float[] c, float[] bias, float floor) {
    int k = s.k(), n = s.n();
    float[] lanes = Vec.lanes();
    for (int i = 0; i < s.m(); i++) {
      int ai = i * s.aRow(), o = 0;
      for (; o + 4 <= outs; o += 4) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L) {
          FloatVector x = FloatVector.fromArray(S, a, ai + kk);
          s0 = x.fma(FloatVector.fromArray(S, w, w0), s0);
          s1 = x.fma(FloatVector.fromArray(S, w, w0 + k), s1);
          s2 = x.fma(FloatVector.fromArray(S, w, w0 + 2 * k), s2);
          s3 = x.fma(FloatVector.fromArray(S, w, w0 + 3 * k), s3);
        }
        s0.intoArray(lanes, 0);
        c[i * n + o] = Math.max(Vec.sum(lanes) + bias[o], floor);
        s1.intoArray(lanes, 0);
        c[i * n + o + 1] = Math.max(Vec.sum(lanes) + bias[o + 1], floor);
        s2.intoArray(lanes, 0);
        c[i * n + o + 2] = Math.max(Vec.sum(lanes) + bias[o + 2], floor);
        s3.intoArray(lanes, 0);
        c[i * n + o + 3] = Math.max(Vec.sum(lanes) + bias[o + 3], floor);
      }
      for (; o < outs; o++) {
        FloatVector s0 = FloatVector.zero(S);
        for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L)
          s0 = FloatVector.fromArray(S, a, ai + kk).fma(FloatVector.fromArray(S, w, w0), s0);
        s0.intoArray(lanes, 0);
        c[i * n + o] = Math.max(Vec.sum(lanes) + bias[o], floor);
      }
    }
  }

  private static void tile4x1(Shape s, float[] a, float[] b, float[] c, float[] bias, float floor, int i, int j) {
    int n = s.n(), k = s.k(), ac = s.aCol();
    FloatVector c0 = FloatVector.fromArray(S, bias, j), c1 = c0, c2 = c0, c3 = c0;
    int a0 = i * s.aRow(), a1 = a0 + s.aRow(), a2 = a1 + s.aRow(), a3 = a2 + s.aRow();
    for (int kk = 0, bo = j, ao = 0; kk < k; kk++, bo += n, ao += ac) {
      FloatVector bv = FloatVector.fromArray(S, b, bo);
      c0 = bv.fma(FloatVector.broadcast(S, a[a0 + ao]), c0);
      c1 = bv.fma(FloatVector.broadcast(S, a[a1 + ao]), c1);
      c2 = bv.fma(FloatVector.broadcast(S, a[a2 + ao]), c2);
      c3 = bv.fma(FloatVector.broadcast(S, a[a3 + ao]), c3);
    }
    int r = i * n + j;
    c0.max(floor).intoArray(c, r);
    c1.max(floor).intoArray(c, r + n);
    c2.max(floor).intoArray(c, r + 2 * n);
    c3.max(floor).intoArray(c, r + 3 * n);
  }

  private static void tile1x1(Shape s, float[] a, float[] b, float[] c, float[] bias, float floor, int i, int j) {
    int n = s.n(), k = s.k(), ac = s.aCol();
    FloatVector c0 = FloatVector.fromArray(S, bias, j);
    for (int kk = 0, bo = j, ao = i * s.aRow(); kk < k; kk++, bo += n, ao += ac)
      c0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[ao]), c0);
    c0.max(floor).intoArray(c, i * n + j);
  }
}

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
 * exported policies. Column edges narrower than four vectors (row lengths the runtime pads away) use the
 * 8×2, 4×1 and 1×1 tiles here.
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
  static void run(Shape s, float[] a, float[] b, float[] c, float[] bias, float floor) {
    int m = s.m(), n = s.n(), m4 = m - m % 4, j = 0, ar = s.aRow();
    Tiles.Product p = new Tiles.Product(new Tiles.Strided(a, ar, s.aCol()), b, n, c, n, bias, floor, s.k());
    for (; j + 4 * L <= n; j += 4 * L) {
      int i = 0;
      for (; i + 6 <= m; i += 6) Tiles.tile6x4(p, new Tiles.At(i * ar, j, i * n + j, j));
      for (; i + 4 <= m; i += 4) Tiles.tile4x4(p, new Tiles.At(i * ar, j, i * n + j, j));
      for (; i < m; i++) Tiles.tile1x4(p, new Tiles.At(i * ar, j, i * n + j, j));
    }
    if (j + 2 * L <= n) { // two vectors left: 8×2 tiles, then single rows of two 1-vector tiles
      int i = 0;
      for (; i + 8 <= m; i += 8) tile8x2(s, a, b, c, bias, floor, i, j);
      for (; i < m; i++) {
        tile1x1(s, a, b, c, bias, floor, i, j);
        tile1x1(s, a, b, c, bias, floor, i, j + L);
      }
      j += 2 * L;
    }
    if (j < n) { // one vector left
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

  private static FloatVector init(float[] bias, int j) {
    return FloatVector.fromArray(S, bias, j);
  }

  /**
   * The register tile: an 8 × 2L block of C in 16 vector accumulators, each k step loading two vectors
   * of B and broadcasting eight of A. Written out by hand because the Vector API keeps vectors in
   * registers only as locals; accumulators in an array are boxed (a loop of FMAs over a
   * {@code FloatVector[12]} ran ~40× slower than the same chains as locals, see {@link Vec#fmaChains}).
   */
  private static void tile8x2(Shape s, float[] a, float[] b, float[] c, float[] bias, float floor, int i, int j) {
    int n = s.n(), k = s.k(), ac = s.aCol(), ar = s.aRow();
    FloatVector z0 = init(bias, j), z1 = init(bias, j + L);
    FloatVector c00 = z0, c01 = z1;
    FloatVector c10 = z0, c11 = z1;
    FloatVector c20 = z0, c21 = z1;
    FloatVector c30 = z0, c31 = z1;
    FloatVector c40 = z0, c41 = z1;
    FloatVector c50 = z0, c51 = z1;
    FloatVector c60 = z0, c61 = z1;
    FloatVector c70 = z0, c71 = z1;
    for (int kk = 0, bo = j, ao = i * ar; kk < k; kk++, bo += n, ao += ac) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x0 = FloatVector.broadcast(S, a[ao]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + ar]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + 2 * ar]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + 3 * ar]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[ao + 4 * ar]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[ao + 5 * ar]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      FloatVector x6 = FloatVector.broadcast(S, a[ao + 6 * ar]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      FloatVector x7 = FloatVector.broadcast(S, a[ao + 7 * ar]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
    }
    int r = i * n + j;
    c00.max(floor).intoArray(c, r);
    c01.max(floor).intoArray(c, r + L);
    r += n;
    c10.max(floor).intoArray(c, r);
    c11.max(floor).intoArray(c, r + L);
    r += n;
    c20.max(floor).intoArray(c, r);
    c21.max(floor).intoArray(c, r + L);
    r += n;
    c30.max(floor).intoArray(c, r);
    c31.max(floor).intoArray(c, r + L);
    r += n;
    c40.max(floor).intoArray(c, r);
    c41.max(floor).intoArray(c, r + L);
    r += n;
    c50.max(floor).intoArray(c, r);
    c51.max(floor).intoArray(c, r + L);
    r += n;
    c60.max(floor).intoArray(c, r);
    c61.max(floor).intoArray(c, r + L);
    r += n;
    c70.max(floor).intoArray(c, r);
    c71.max(floor).intoArray(c, r + L);
  }

  private static void tile4x1(Shape s, float[] a, float[] b, float[] c, float[] bias, float floor, int i, int j) {
    int n = s.n(), k = s.k(), ac = s.aCol();
    FloatVector c0 = init(bias, j), c1 = c0, c2 = c0, c3 = c0;
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
    FloatVector c0 = init(bias, j);
    for (int kk = 0, bo = j, ao = i * s.aRow(); kk < k; kk++, bo += n, ao += ac)
      c0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[ao]), c0);
    c0.max(floor).intoArray(c, i * n + j);
  }
}

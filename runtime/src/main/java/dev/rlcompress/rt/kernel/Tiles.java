package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * The float GEMM register tiles, written once for the runtime's dense layers and the trainer's MLP
 * kernels ({@code dev.rlcompress.train.nn.Gemm}): C = max(A·B + bias, floor) over four vectors of
 * columns, in outer-product form. Each step of the sum broadcasts one element of A per row and multiplies
 * it into four vectors of one row of B, so there are no horizontal sums; 6 rows keep 24 accumulators
 * live (AVX-512 has 32 registers), 4 rows 16, and 1 row serves batch 1 and the edges. With 16
 * registers ({@link Lanes#REGISTERS}: AVX2) the block runs as two halves of 6×2 and 4×2 tiles instead. Every
 * tile computes each output as the same chain of FMAs over k from its bias, so the choice of tile
 * never changes a result.
 *
 * <p>The operands describe where things are, so the same tiles read the runtime's packed weight panels
 * (B rows of one panel's width) and the trainer's row-major matrices, and A through any strides (the
 * trainer's transposed products). The tiles are written out in full: a helper taking vectors as
 * arguments is not inlined there, and vectors crossing a call are boxed (measured 5× slower).
 */
public final class Tiles {
  private Tiles() {}

  /**
   * One product's operands: A read element by element ({@code a[i*aRow + kk*aCol]}), B with rows
   * {@code bStride} floats apart, C with rows {@code cStride} floats apart, the bias added to every
   * row, the floor (0: ReLU, −∞: none) and the summed length k. Mutable and reused, one per thread (the
   * runtime's {@link Scratch}) or per network (the trainer's): a product object made per call escapes
   * into the tiles, which are too large to inline, so C2 allocates it; measured on an AVX2 machine, the
   * per-call records this replaces cost ~1.6 KB per training update of a small MLP.
   */
  public static final class Product {
    float[] a, b, c, bias;
    int aRow, aCol, bStride, cStride, k;
    float floor;

    /** A: element (i, kk) is {@code data[i*row + kk*col]}. */
    public Product a(float[] data, int row, int col) {
      this.a = data;
      this.aRow = row;
      this.aCol = col;
      return this;
    }

    /** B with rows {@code stride} floats apart, summed over {@code k} of them. */
    public Product b(float[] data, int stride, int k) {
      this.b = data;
      this.bStride = stride;
      this.k = k;
      return this;
    }

    /** C with rows {@code stride} floats apart; {@code bias} added to every row, then max with {@code floor}. */
    public Product c(float[] data, int stride, float[] bias, float floor) {
      this.c = data;
      this.cStride = stride;
      this.bias = bias;
      this.floor = floor;
      return this;
    }
  }

  /**
   * Rows 0 … m−1 of C over one block of four vectors of columns: C's and the bias's columns from
   * {@code col}, B's from {@code b0}; 6-row tiles, then 4-row, then single rows.
   */
  public static void rows(Product p, int m, int b0, int col) {
    rows(p, m, b0, col, Lanes.REGISTERS);
  }

  /** {@link #rows(Product, int, int, int)} with the tiles planned for {@code registers} vector registers. */
  static void rows(Product p, int m, int b0, int col, int registers) {
    int ar = p.aRow, cs = p.cStride;
    if (registers < 32) { // 16 registers: two halves of two vectors, 6×2 tiles (12 accumulators), 4×2 for the edge
      boolean packed = p.aCol == 1 && p.bStride == Lanes.ROW;
      for (int h = 0; h < 4 * L; h += 2 * L) {
        int i = 0;
        if (packed) for (; i + 6 <= m; i += 6) tile6x2Packed(p, i * ar, b0 + h, i * cs + col + h, col + h);
        for (; i + 6 <= m; i += 6) tile6x2(p, i * ar, b0 + h, i * cs + col + h, col + h);
        for (; i + 4 <= m; i += 4) tile4x2(p, i * ar, b0 + h, i * cs + col + h, col + h);
        for (; i < m; i++) tile1x2(p, i * ar, b0 + h, i * cs + col + h, col + h);
      }
      return;
    }
    int i = 0;
    for (; i + 6 <= m; i += 6) tile6x4(p, i * ar, b0, i * cs + col, col);
    for (; i + 4 <= m; i += 4) tile4x4(p, i * ar, b0, i * cs + col, col);
    for (; i < m; i++) tile1x4(p, i * ar, b0, i * cs + col, col);
  }

  /**
   * Rows from aAt … +5 × two vectors of columns: the tile for 16 vector registers (12 accumulators, two
   * vectors of B, one broadcast). The 6×4 tile's 24 accumulators do not fit there and spill.
   */
  private static void tile6x2(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ar = p.aRow, ac = p.aCol, bs = p.bStride, cs = p.cStride, k = p.k;
    float floor = p.floor;
    FloatVector z0 = FloatVector.fromArray(S, bias, j), z1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1;
    FloatVector c30 = z0, c31 = z1, c40 = z0, c41 = z1, c50 = z0, c51 = z1;
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, a[ao + ar]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, a[ao + 2 * ar]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, a[ao + 3 * ar]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      v = FloatVector.broadcast(S, a[ao + 4 * ar]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      v = FloatVector.broadcast(S, a[ao + 5 * ar]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
    }
    int t = cAt;
    c00.max(floor).intoArray(c, t);
    c01.max(floor).intoArray(c, t + L);
    t += cs;
    c10.max(floor).intoArray(c, t);
    c11.max(floor).intoArray(c, t + L);
    t += cs;
    c20.max(floor).intoArray(c, t);
    c21.max(floor).intoArray(c, t + L);
    t += cs;
    c30.max(floor).intoArray(c, t);
    c31.max(floor).intoArray(c, t + L);
    t += cs;
    c40.max(floor).intoArray(c, t);
    c41.max(floor).intoArray(c, t + L);
    t += cs;
    c50.max(floor).intoArray(c, t);
    c51.max(floor).intoArray(c, t + L);
  }

  /**
   * {@link #tile6x2} for the runtime's operands: A's rows contiguous in k ({@code aCol} = 1) and B a
   * packed panel ({@code bStride} = {@link Lanes#ROW}). With the loop counter as the only index and the
   * stride a constant, C2 proves the array indices in range once instead of checking six broadcasts per
   * step, and keeps no index in a stack slot: 180–245 µs against 265–300 µs for the generic tile on a
   * 96×256×256 product (AVX2, alternated in one JVM, 84–93% of the FMA probe against 65–70%). The same
   * FMA chains in the same order, so the same C bit for bit.
   */
  private static void tile6x2Packed(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ar = p.aRow, cs = p.cStride, k = p.k;
    float floor = p.floor;
    FloatVector z0 = FloatVector.fromArray(S, bias, j), z1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1;
    FloatVector c30 = z0, c31 = z1, c40 = z0, c41 = z1, c50 = z0, c51 = z1;
    int a0 = aAt, a1 = a0 + ar, a2 = a1 + ar, a3 = a2 + ar, a4 = a3 + ar, a5 = a4 + ar;
    for (int kk = 0; kk < k; kk++) {
      int bo = bAt + kk * Lanes.ROW;
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, a[a1 + kk]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, a[a2 + kk]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, a[a3 + kk]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      v = FloatVector.broadcast(S, a[a4 + kk]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      v = FloatVector.broadcast(S, a[a5 + kk]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
    }
    int t = cAt;
    c00.max(floor).intoArray(c, t);
    c01.max(floor).intoArray(c, t + L);
    t += cs;
    c10.max(floor).intoArray(c, t);
    c11.max(floor).intoArray(c, t + L);
    t += cs;
    c20.max(floor).intoArray(c, t);
    c21.max(floor).intoArray(c, t + L);
    t += cs;
    c30.max(floor).intoArray(c, t);
    c31.max(floor).intoArray(c, t + L);
    t += cs;
    c40.max(floor).intoArray(c, t);
    c41.max(floor).intoArray(c, t + L);
    t += cs;
    c50.max(floor).intoArray(c, t);
    c51.max(floor).intoArray(c, t + L);
  }

  /**
   * Rows from aAt … +3 × two vectors of columns: the 16-register edge of four or five rows (batch 100 =
   * 16 tiles of six + 4), which single-row tiles ran at a quarter of the FMA rate, bound by the latency
   * of their two chains.
   */
  private static void tile4x2(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ar = p.aRow, ac = p.aCol, bs = p.bStride, cs = p.cStride, k = p.k;
    float floor = p.floor;
    FloatVector z0 = FloatVector.fromArray(S, bias, j), z1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1, c30 = z0, c31 = z1;
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, a[ao + ar]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, a[ao + 2 * ar]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, a[ao + 3 * ar]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
    }
    int t = cAt;
    c00.max(floor).intoArray(c, t);
    c01.max(floor).intoArray(c, t + L);
    t += cs;
    c10.max(floor).intoArray(c, t);
    c11.max(floor).intoArray(c, t + L);
    t += cs;
    c20.max(floor).intoArray(c, t);
    c21.max(floor).intoArray(c, t + L);
    t += cs;
    c30.max(floor).intoArray(c, t);
    c31.max(floor).intoArray(c, t + L);
  }

  /** The row at aAt × two vectors of columns (the 16-register edge rows). */
  private static void tile1x2(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ac = p.aCol, bs = p.bStride, k = p.k;
    float floor = p.floor;
    FloatVector c0 = FloatVector.fromArray(S, bias, j), c1 = FloatVector.fromArray(S, bias, j + L);
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c0 = v.fma(FloatVector.fromArray(S, b, bo), c0);
      c1 = v.fma(FloatVector.fromArray(S, b, bo + L), c1);
    }
    c0.max(floor).intoArray(c, cAt);
    c1.max(floor).intoArray(c, cAt + L);
  }

  /** Rows from aAt … +5 × four vectors of columns. */
  private static void tile6x4(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ar = p.aRow, ac = p.aCol, bs = p.bStride, cs = p.cStride, k = p.k;
    float floor = p.floor;
    FloatVector z0 = FloatVector.fromArray(S, bias, j), z1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector z2 = FloatVector.fromArray(S, bias, j + 2 * L), z3 = FloatVector.fromArray(S, bias, j + 3 * L);
    FloatVector c00 = z0, c01 = z1, c02 = z2, c03 = z3, c10 = z0, c11 = z1, c12 = z2, c13 = z3;
    FloatVector c20 = z0, c21 = z1, c22 = z2, c23 = z3, c30 = z0, c31 = z1, c32 = z2, c33 = z3;
    FloatVector c40 = z0, c41 = z1, c42 = z2, c43 = z3, c50 = z0, c51 = z1, c52 = z2, c53 = z3;
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L);
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      c02 = v.fma(b2, c02);
      c03 = v.fma(b3, c03);
      v = FloatVector.broadcast(S, a[ao + ar]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      c12 = v.fma(b2, c12);
      c13 = v.fma(b3, c13);
      v = FloatVector.broadcast(S, a[ao + 2 * ar]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      c22 = v.fma(b2, c22);
      c23 = v.fma(b3, c23);
      v = FloatVector.broadcast(S, a[ao + 3 * ar]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      c32 = v.fma(b2, c32);
      c33 = v.fma(b3, c33);
      v = FloatVector.broadcast(S, a[ao + 4 * ar]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      c42 = v.fma(b2, c42);
      c43 = v.fma(b3, c43);
      v = FloatVector.broadcast(S, a[ao + 5 * ar]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
      c52 = v.fma(b2, c52);
      c53 = v.fma(b3, c53);
    }
    int t = cAt;
    c00.max(floor).intoArray(c, t);
    c01.max(floor).intoArray(c, t + L);
    c02.max(floor).intoArray(c, t + 2 * L);
    c03.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c10.max(floor).intoArray(c, t);
    c11.max(floor).intoArray(c, t + L);
    c12.max(floor).intoArray(c, t + 2 * L);
    c13.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c20.max(floor).intoArray(c, t);
    c21.max(floor).intoArray(c, t + L);
    c22.max(floor).intoArray(c, t + 2 * L);
    c23.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c30.max(floor).intoArray(c, t);
    c31.max(floor).intoArray(c, t + L);
    c32.max(floor).intoArray(c, t + 2 * L);
    c33.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c40.max(floor).intoArray(c, t);
    c41.max(floor).intoArray(c, t + L);
    c42.max(floor).intoArray(c, t + 2 * L);
    c43.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c50.max(floor).intoArray(c, t);
    c51.max(floor).intoArray(c, t + L);
    c52.max(floor).intoArray(c, t + 2 * L);
    c53.max(floor).intoArray(c, t + 3 * L);
  }

  /** Rows from aAt … +3 × four vectors of columns. */
  private static void tile4x4(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ar = p.aRow, ac = p.aCol, bs = p.bStride, cs = p.cStride, k = p.k;
    float floor = p.floor;
    FloatVector z0 = FloatVector.fromArray(S, bias, j), z1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector z2 = FloatVector.fromArray(S, bias, j + 2 * L), z3 = FloatVector.fromArray(S, bias, j + 3 * L);
    FloatVector c00 = z0, c01 = z1, c02 = z2, c03 = z3, c10 = z0, c11 = z1, c12 = z2, c13 = z3;
    FloatVector c20 = z0, c21 = z1, c22 = z2, c23 = z3, c30 = z0, c31 = z1, c32 = z2, c33 = z3;
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L);
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      c02 = v.fma(b2, c02);
      c03 = v.fma(b3, c03);
      v = FloatVector.broadcast(S, a[ao + ar]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      c12 = v.fma(b2, c12);
      c13 = v.fma(b3, c13);
      v = FloatVector.broadcast(S, a[ao + 2 * ar]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      c22 = v.fma(b2, c22);
      c23 = v.fma(b3, c23);
      v = FloatVector.broadcast(S, a[ao + 3 * ar]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      c32 = v.fma(b2, c32);
      c33 = v.fma(b3, c33);
    }
    int t = cAt;
    c00.max(floor).intoArray(c, t);
    c01.max(floor).intoArray(c, t + L);
    c02.max(floor).intoArray(c, t + 2 * L);
    c03.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c10.max(floor).intoArray(c, t);
    c11.max(floor).intoArray(c, t + L);
    c12.max(floor).intoArray(c, t + 2 * L);
    c13.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c20.max(floor).intoArray(c, t);
    c21.max(floor).intoArray(c, t + L);
    c22.max(floor).intoArray(c, t + 2 * L);
    c23.max(floor).intoArray(c, t + 3 * L);
    t += cs;
    c30.max(floor).intoArray(c, t);
    c31.max(floor).intoArray(c, t + L);
    c32.max(floor).intoArray(c, t + 2 * L);
    c33.max(floor).intoArray(c, t + 3 * L);
  }

  /** The row at aAt × four vectors of columns. */
  private static void tile1x4(Product p, int aAt, int bAt, int cAt, int j) {
    float[] a = p.a, b = p.b, c = p.c, bias = p.bias;
    int ac = p.aCol, bs = p.bStride, k = p.k;
    float floor = p.floor;
    FloatVector c0 = FloatVector.fromArray(S, bias, j), c1 = FloatVector.fromArray(S, bias, j + L);
    FloatVector c2 = FloatVector.fromArray(S, bias, j + 2 * L), c3 = FloatVector.fromArray(S, bias, j + 3 * L);
    for (int kk = 0, bo = bAt, ao = aAt; kk < k; kk++, bo += bs, ao += ac) {
      FloatVector v = FloatVector.broadcast(S, a[ao]);
      c0 = v.fma(FloatVector.fromArray(S, b, bo), c0);
      c1 = v.fma(FloatVector.fromArray(S, b, bo + L), c1);
      c2 = v.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
      c3 = v.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
    }
    int t = cAt;
    c0.max(floor).intoArray(c, t);
    c1.max(floor).intoArray(c, t + L);
    c2.max(floor).intoArray(c, t + 2 * L);
    c3.max(floor).intoArray(c, t + 3 * L);
  }
}

package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The register tiles planned for 32 vector registers (6×4, 4×4, 1×4) and for 16 (6×2, 1×2) give the
 * same C bit for bit, whatever the row count: each output is one chain of FMAs over k from its bias in
 * every tile, so the training and the runtime answer alike on AVX2 and AVX-512 machines.
 */
class TilesTest {
  @Test
  void sixteenAndThirtyTwoRegisterTilesAgreeBitForBit() {
    SplittableRandom rng = new SplittableRandom(5);
    int n = 4 * L * 3, k = 37;
    for (int m : new int[] {1, 4, 5, 6, 7, 13, 100}) {
      float[] a = new float[m * k], b = new float[k * n], bias = new float[n];
      for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
      for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
      for (int i = 0; i < n; i++) bias[i] = (float) rng.nextGaussian();
      float[] c16 = new float[m * n], c32 = new float[m * n], ref = new float[m * n];
      for (int col = 0; col < n; col += 4 * L) {
        Tiles.rows(new Tiles.Product().a(a, k, 1).b(b, n, k).c(c16, n, bias, 0f), m, col, col, 16);
        Tiles.rows(new Tiles.Product().a(a, k, 1).b(b, n, k).c(c32, n, bias, 0f), m, col, col, 32);
      }
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          float s = bias[j];
          for (int kk = 0; kk < k; kk++) s = Math.fma(a[i * k + kk], b[kk * n + j], s);
          ref[i * n + j] = Math.max(s, 0f);
        }
      assertArrayEquals(c32, c16, "m=" + m);
      assertArrayEquals(ref, c16, "m=" + m + ": the FMA chain in order");
      assertEquals(m * n, c16.length);
    }
  }

  /** B as one packed panel (rows 4L floats apart, A contiguous in k): the 16-register plan's packed tile agrees too. */
  @Test
  void packedPanelTilesAgreeBitForBit() {
    SplittableRandom rng = new SplittableRandom(9);
    int n = Lanes.ROW, k = 41;
    for (int m : new int[] {6, 7, 12, 100}) {
      float[] a = new float[m * k], b = new float[k * n], bias = new float[n];
      for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
      for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
      for (int i = 0; i < n; i++) bias[i] = (float) rng.nextGaussian();
      float[] c16 = new float[m * n], c32 = new float[m * n];
      Tiles.rows(new Tiles.Product().a(a, k, 1).b(b, n, k).c(c16, n, bias, Float.NEGATIVE_INFINITY), m, 0, 0, 16);
      Tiles.rows(new Tiles.Product().a(a, k, 1).b(b, n, k).c(c32, n, bias, Float.NEGATIVE_INFINITY), m, 0, 0, 32);
      assertArrayEquals(c32, c16, "m=" + m);
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          float s = bias[j];
          for (int kk = 0; kk < k; kk++) s = Math.fma(a[i * k + kk], b[kk * n + j], s);
          assertEquals(s, c16[i * n + j], "m=" + m + " row " + i + " col " + j);
        }
    }
  }

  /**
   * The batch-1 dense plans (four panels a pass for 32 registers, two for 16) give the same y bit for
   * bit, and the same as the FMA chain in input order, whether the inputs are read through the list of
   * nonzeros (half of them zero) or all read (one in ten zero: 0·w adds nothing).
   */
  @Test
  void denseBatchOnePlansAgreeBitForBit() {
    SplittableRandom rng = new SplittableRandom(6);
    for (int zeroOneIn : new int[] {2, 10})
    for (int out : new int[] {4 * L * 3, 4 * L * 8, 4 * L * 5 + 3}) {
      int in = 45;
      float[] w = new float[out * in], bias = new float[out], x = new float[Lanes.stride(in)]; // rows are padded to whole panels
      for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
      for (int i = 0; i < out; i++) bias[i] = (float) rng.nextGaussian();
      for (int i = 0; i < in; i++) x[i] = rng.nextInt(zeroOneIn) != 0 ? (float) rng.nextGaussian() : 0f;
      Dense d = new Dense(w, bias, in, out, Float.NEGATIVE_INFINITY);
      int stride = Lanes.stride(out);
      float[] y16 = new float[stride], y32 = new float[stride];
      d.gemv(x, 0, y16, 0, new int[in], 16);
      d.gemv(x, 0, y32, 0, new int[in], 32);
      assertArrayEquals(y32, y16, "out=" + out);
      for (int o = 0; o < out; o++) {
        float s = bias[o];
        for (int i = 0; i < in; i++) if (x[i] != 0f) s = Math.fma(x[i], w[o * in + i], s);
        if (o < d.panels / 2 * 2 * 4 * L) assertEquals(s, y16[o], "out=" + out + " o=" + o + ": the FMA chain in order");
      }
    }
  }

  /**
   * A layer whose last panel holds at most two vectors of outputs computes only those (four chains
   * each, so within float rounding of the exact sum) and writes zeros to the panel's padding, with
   * dense and with half-zero inputs.
   */
  @Test
  void halfPanelsComputeTheirOutputsAndZeroTheRest() {
    SplittableRandom rng = new SplittableRandom(8);
    for (int out : new int[] {2 * L, L + 3, 4 * L + 5})
      for (int zeroOneIn : new int[] {2, 50}) {
        int in = 37;
        float[] w = new float[out * in], bias = new float[out], x = new float[Lanes.stride(in)];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        for (int i = 0; i < out; i++) bias[i] = (float) rng.nextGaussian();
        for (int i = 0; i < in; i++) x[i] = rng.nextInt(zeroOneIn) != 0 ? (float) rng.nextGaussian() : 0f;
        Dense d = new Dense(w, bias, in, out, Float.NEGATIVE_INFINITY);
        float[] y = new float[Lanes.stride(out)];
        java.util.Arrays.fill(y, Float.NaN);
        d.gemv(x, 0, y, 0, new int[in]);
        for (int o = 0; o < out; o++) {
          double s = bias[o], mag = Math.abs(bias[o]);
          for (int i = 0; i < in; i++) {
            s += (double) x[i] * w[o * in + i];
            mag += Math.abs((double) x[i] * w[o * in + i]);
          }
          assertEquals(s, y[o], 1e-6 * mag, "out=" + out + " o=" + o);
        }
        for (int o = out; o < y.length; o++) assertEquals(0f, y[o], "out=" + out + ": padding " + o);
      }
  }

  /** Row-dot layers give each row of a batch the bits that row gets alone (rows are paired for four outputs). */
  @Test
  void rowDotBatchesEqualSingleRowsBitForBit() {
    SplittableRandom rng = new SplittableRandom(10);
    int in = 45, batch = 7;
    for (int out : new int[] {3, 4, 5}) {
      float[] w = new float[out * in], bias = new float[out];
      for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
      for (int i = 0; i < out; i++) bias[i] = (float) rng.nextGaussian();
      RowDot d = new RowDot(w, bias, in, out, Float.NEGATIVE_INFINITY);
      int xs = Lanes.stride(in), ys = Lanes.stride(out);
      float[] x = new float[batch * xs], y = new float[batch * ys];
      for (int r = 0; r < batch; r++) for (int i = 0; i < in; i++) x[r * xs + i] = (float) rng.nextGaussian();
      java.util.Arrays.fill(y, Float.NaN);
      d.run(x, y, batch, new Scratch());
      for (int r = 0; r < batch; r++) {
        float[] one = new float[ys];
        d.run(java.util.Arrays.copyOfRange(x, r * xs, (r + 1) * xs), one, 1, new Scratch());
        assertArrayEquals(one, java.util.Arrays.copyOfRange(y, r * ys, (r + 1) * ys), "out=" + out + " row " + r);
      }
    }
  }

  /** Zero inputs are listed for skipping only where at least a quarter are zero. */
  @Test
  void nonzerosAreListedWhereSkippingPays() {
    float[] x = new float[Lanes.stride(40)];
    int[] idx = new int[40];
    for (int i = 0; i < 40; i++) x[i] = i % 5 == 0 ? 0f : i; // 8 of 40 zero: read them all
    assertEquals(-1, Lanes.listNonzeros(x, 0, 40, idx));
    for (int i = 0; i < 40; i++) x[i] = i % 4 == 1 ? 0f : i; // 10 of 40 (x[0] = 0 too: 11)
    assertEquals(29, Lanes.listNonzeros(x, 0, 40, idx));
    for (int k = 0, i = 0; i < 40; i++) if (x[i] != 0f) assertEquals(i, idx[k++]);
  }

  /** The int8 panel products planned for 32 registers (4-row tiles) and 16 (6-row half-panel tiles) agree bit for bit. */
  @Test
  void int8PanelPlansAgreeBitForBit() {
    SplittableRandom rng = new SplittableRandom(7);
    int in = 29, out = 4 * L * 2 + 5;
    int[] codes = new int[out * in];
    for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(255) - 127;
    Int8Panels q = new Int8Panels(codes, in, out);
    int stride = Lanes.stride(out);
    for (int m : new int[] {1, 2, 5, 6, 7, 13, 100}) {
      float[] x = new float[m * in];
      for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
      float[] c16 = new float[m * stride], c32 = new float[m * stride];
      q.gemm(x, in, c16, stride, m, 16);
      q.gemm(x, in, c32, stride, m, 32);
      assertArrayEquals(c32, c16, "m=" + m);
      for (int r = 0; r < m; r++)
        for (int o = 0; o < out; o++) {
          float s = 0f;
          for (int i = 0; i < in; i++) s = Math.fma(x[r * in + i], (float) codes[o * in + i], s);
          assertEquals(s, c16[r * stride + o], "m=" + m + " row " + r + " out " + o);
        }
    }
  }

  /** An int8 layer of at most one vector of outputs keeps its codes as rows; its integer sums are exact whatever the order. */
  @Test
  void int8RowDotsAreExactIntegerSums() {
    SplittableRandom rng = new SplittableRandom(8);
    int in = 37;
    for (int out : new int[] {1, 3, 4, L}) {
      int[] codes = new int[out * in];
      for (int i = 0; i < codes.length; i++) codes[i] = rng.nextInt(255) - 127;
      Int8Panels q = new Int8Panels(codes, in, out);
      assertEquals(true, q.rows, "out=" + out);
      int xs = Lanes.stride(in), as = Lanes.stride(out);
      for (int m : new int[] {1, 7}) {
        float[] x = new float[m * xs], acc = new float[m * as];
        java.util.Arrays.fill(acc, Float.NaN);
        for (int r = 0; r < m; r++) for (int i = 0; i < in; i++) x[r * xs + i] = rng.nextInt(511) - 255;
        if (m == 1) q.gemv(x, 0, acc, 0, new int[xs]);
        else q.gemm(x, xs, acc, as, m, Lanes.REGISTERS);
        for (int r = 0; r < m; r++)
          for (int o = 0; o < as; o++) {
            long sum = 0;
            if (o < out) for (int i = 0; i < in; i++) sum += (long) x[r * xs + i] * codes[o * in + i];
            assertEquals((float) sum, acc[r * as + o], "out=" + out + " m=" + m + " row " + r + " output " + o);
          }
      }
    }
  }
}

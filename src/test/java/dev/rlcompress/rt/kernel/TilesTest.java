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
}

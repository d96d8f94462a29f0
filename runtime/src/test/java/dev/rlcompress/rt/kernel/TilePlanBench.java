package dev.rlcompress.rt.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A benchmark, not a test: times the kernels' register plans for 16 and 32 vector registers against
 * each other in one JVM, interleaved, on one 256×256 layer (the DQN's hidden layer), so the choice
 * {@link Lanes#REGISTERS} makes can be checked on any machine. Every plan computes the same result bit
 * for bit ({@code TilesTest}); only the time differs. Run after {@code mvn -f runtime/pom.xml package}:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes dev.rlcompress.rt.kernel.TilePlanBench</pre>
 *
 * Prints medians of 201 alternated windows per case, three times.
 */
public final class TilePlanBench {
  private TilePlanBench() {}

  private interface Case {
    void run();
  }

  /** Median µs per call of each case over {@code rounds} windows of {@code calls} calls, the cases alternating. */
  private static double[] medians(Case[] cases, int calls, int rounds) {
    double[][] t = new double[cases.length][rounds];
    for (int r = 0; r < rounds; r++)
      for (int c = 0; c < cases.length; c++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) cases[c].run();
        t[c][r] = (System.nanoTime() - t0) / 1e3 / calls;
      }
    double[] m = new double[cases.length];
    for (int c = 0; c < cases.length; c++) {
      Arrays.sort(t[c]);
      m[c] = t[c][rounds / 2];
    }
    return m;
  }

  public static void main(String[] args) {
    int n = 256, batch = 100;
    SplittableRandom rng = new SplittableRandom(1);
    float[] w = new float[n * n];
    int[] codes = new int[n * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rng.nextGaussian();
      codes[i] = rng.nextInt(255) - 127;
    }
    float[] x = new float[batch * n]; // half zeros, as after a ReLU
    for (int i = 0; i < x.length; i++) x[i] = rng.nextBoolean() ? 1 + rng.nextInt(200) : 0f;
    Dense dense = new Dense(w, new float[n], n, n, 0f);
    Int8Panels int8 = new Int8Panels(codes, n, n);
    int[] idx = new int[n];
    float[] y = new float[batch * n];
    Tiles.Product prod = new Tiles.Product().a(x, n, 1).b(dense.w, Lanes.ROW, n).c(y, n, dense.bias, 0f);
    Case[] one = {() -> dense.gemv(x, 0, y, 0, idx, 16), () -> dense.gemv(x, 0, y, 0, idx, 32)};
    Case[] many = {
      () -> {
        for (int p = 0; p < dense.panels; p++) Tiles.rows(prod, batch, p * n * Lanes.ROW, p * Lanes.ROW, 16);
      },
      () -> {
        for (int p = 0; p < dense.panels; p++) Tiles.rows(prod, batch, p * n * Lanes.ROW, p * Lanes.ROW, 32);
      },
      () -> int8.gemm(x, n, y, n, batch, 16),
      () -> int8.gemm(x, n, y, n, batch, 32)
    };
    System.out.printf("%d float lanes; this CPU's plan: %d registers (Lanes.REGISTERS)%n", Lanes.L, Lanes.REGISTERS);
    for (int rep = 0; rep < 3; rep++) {
      double[] b1 = medians(one, 2000, 201), b100 = medians(many, 20, 101);
      System.out.printf("256x256 fp32 batch 1: 16-register plan %.3f µs, 32-register plan %.3f µs | batch %d: fp32 %.1f vs %.1f µs, int8 %.1f vs %.1f µs%n",
          b1[0], b1[1], batch, b100[0], b100[1], b100[2], b100[3]);
    }
  }
}

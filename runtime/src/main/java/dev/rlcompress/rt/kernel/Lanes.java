package dev.rlcompress.rt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector shape every kernel uses: the CPU's preferred float vector (16 lanes with AVX-512, 8 with AVX2). */
public final class Lanes {
  private Lanes() {}

  public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Floats per vector. */
  public static final int L = S.length();

  /**
   * Vector registers the tiles may plan for: 16 on x86 with vectors of 8 floats or fewer (AVX2's ymm0–15;
   * an AVX-512 CPU run with narrower vectors is counted low, which only costs tile size), 32 otherwise
   * (AVX-512's zmm0–31, AArch64's v0–31). A register tile needing more spills its accumulators to the
   * stack on every step of the sum.
   */
  public static final int REGISTERS = L <= 8 && System.getProperty("os.arch", "").matches("amd64|x86_64|x86|i386") ? 16 : 32;

  /** Activation rows are padded to this many floats: one panel of four vectors. */
  public static final int ROW = 4 * L;

  public static int stride(int width) {
    return (width + ROW - 1) / ROW * ROW;
  }

  /**
   * Lists the positions of the nonzero values among x[xo .. xo+n) in {@code idx} and returns their
   * count, or returns −1 and lists nothing when fewer than a quarter of the values are zero. Skipping a
   * zero input saves its multiply-adds, but the listed loop reads its weights through the index, which
   * keeps the JIT from hoisting the bounds checks: measured on batch-1 panels (AVX-512, 64 to 256
   * inputs), the listed loop ran 10–35% slower with no zeros and up to 2× faster with half of them
   * zero (a ReLU layer's output), level around a fifth. Counting first costs a few vector compares;
   * x must be readable to the next whole vector after n (activation rows are).
   */
  static int listNonzeros(float[] x, int xo, int n, int[] idx) {
    int zeros = 0;
    // whole vectors, the last one masked to n (rows are padded to whole panels): no scalar tail, whose
    // branch can leave the vector loop to an uncommon trap and then to boxing code (Elementwise.widenRange)
    for (int i = 0; i < n; i += L)
      zeros += FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.EQ, 0f, S.indexInRange(i, n)).trueCount();
    if (zeros * 4 < n) return -1;
    int nz = 0;
    for (int k = 0; k < n; k++) {
      idx[nz] = k;
      nz += x[xo + k] != 0f ? 1 : 0;
    }
    return nz;
  }

  public static int roundUp(int n, int m) {
    return (n + m - 1) / m * m;
  }
}

package dev.rlcompress.rt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The vector shape every kernel uses: the CPU's preferred float vector (16 lanes with AVX-512, 8 with AVX2). */
public final class Lanes {
  private Lanes() {}

  public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Floats per vector. */
  public static final int L = S.length();

  /** Activation rows are padded to this many floats: one panel of four vectors. */
  public static final int ROW = 4 * L;

  public static int stride(int width) {
    return (width + ROW - 1) / ROW * ROW;
  }

  public static int roundUp(int n, int m) {
    return (n + m - 1) / m * m;
  }
}

package dev.rlcompress.runtime;

/** Test access to package-private kernels of the Java runtime. */
public final class SparsePolicyAccess {
  private SparsePolicyAccess() {}

  public static float tanh(float x) {
    return SparsePolicy.tanh(x);
  }
}

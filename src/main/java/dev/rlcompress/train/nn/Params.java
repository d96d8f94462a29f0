package dev.rlcompress.train.nn;

/** Operations on gradient groups that span networks. */
public final class Params {
  private Params() {}

  /**
   * Scales the gradients so their global L2 norm is at most {@code maxNorm}, as PyTorch's
   * clip_grad_norm_ (coefficient maxNorm / (norm + 1e-6), applied only when below 1).
   *
   * @return the norm before clipping
   */
  public static double clipGradNorm(double maxNorm, float[][]... groups) {
    double sq = 0;
    for (float[][] g : groups) for (float[] a : g) sq += Vec.sumSquares(a);
    double norm = Math.sqrt(sq), coef = maxNorm / (norm + 1e-6);
    if (coef < 1) for (float[][] g : groups) for (float[] a : g) Vec.scale(a, (float) coef);
    return norm;
  }
}

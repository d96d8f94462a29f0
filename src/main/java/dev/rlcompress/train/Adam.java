package dev.rlcompress.train;

/**
 * Adam (Kingma and Ba 2015) over Java parameter arrays, with PyTorch's update rule and optional
 * global-norm gradient clipping. State is plain arrays so it checkpoints with the weights.
 */
public final class Adam {
  final float[][] m, v;
  long t;
  private final double beta1, beta2, eps;

  public Adam(float[][] params, double beta1, double beta2, double eps) {
    this.m = new float[params.length][];
    this.v = new float[params.length][];
    for (int i = 0; i < params.length; i++) {
      m[i] = new float[params[i].length];
      v[i] = new float[params[i].length];
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  /**
   * One step. Gradients are scaled down first if their global L2 norm exceeds {@code maxGradNorm}
   * (no clipping when it is not positive). Returns the norm before clipping. A NaN or infinite
   * gradient is refused before any weight changes, so the parameters stay the last finite ones.
   */
  public double step(float[][] params, float[][] grads, double lr, double maxGradNorm) {
    double sq = 0;
    for (float[] g : grads) for (float x : g) sq += (double) x * x;
    double norm = Math.sqrt(sq);
    if (!Double.isFinite(norm)) throw new NonFiniteGradient(t + 1);
    double scale = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1.0;
    t++;
    double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
    double stepSize = lr / bc1, sqrtBc2 = Math.sqrt(bc2);
    float b1 = (float) beta1, b2 = (float) beta2;
    for (int p = 0; p < params.length; p++) {
      float[] w = params[p], g = grads[p], mp = m[p], vp = v[p];
      for (int i = 0; i < w.length; i++) {
        float gi = (float) (g[i] * scale);
        mp[i] = b1 * mp[i] + (1 - b1) * gi;
        vp[i] = b2 * vp[i] + (1 - b2) * gi * gi;
        w[i] -= (float) (stepSize * mp[i] / (Math.sqrt(vp[i]) / sqrtBc2 + eps));
      }
    }
    return norm;
  }

  /** A gradient with NaN or infinite entries: the run diverged (or a loss term is undefined). */
  public static final class NonFiniteGradient extends RuntimeException {
    public NonFiniteGradient(long update) {
      super("non-finite (NaN or infinite) gradient in update " + update);
    }
  }
}

package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;

/**
 * The diagnostics of one PPO update (a rollout's epochs of minibatches), the ones SB3 logs under
 * {@code train/}: the loss terms, the policy's entropy, how far the update moved the policy (approximate
 * KL from the old policy, the share of samples whose probability ratio left the clip range), the global
 * gradient norm before clipping, and the share of the returns' variance the value function explains. A
 * return curve says whether a run learns; these say why not: an update too timid (KL ~ 0, nothing
 * clipped), too bold (large KL, most samples clipped), a collapsing entropy, or a critic that explains
 * nothing. Every PPO here (MLP, Gaussian, CNN, RND) fills one per rollout and hands it to
 * {@link TrainingRun#updated}; train.json carries them under {@code updates}.
 */
final class UpdateStats {
  private double policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm;
  private int minibatches, gradients, clippedGradients;

  /**
   * One minibatch, after its backward pass: its loss terms (scalars) and the log-probability ratios of
   * its samples (new policy − the policy that collected them), with the clip range in force.
   */
  void minibatch(NDArray policyLoss, NDArray valueLoss, NDArray entropy, NDArray logRatio, double clip) {
    this.policyLoss += policyLoss.getFloat();
    this.valueLoss += valueLoss.getFloat();
    this.entropy += entropy.getFloat();
    float[] logRatios = logRatio.stopGradient().toFloatArray();
    approxKl += approxKl(logRatios);
    clipFraction += clipFraction(logRatios, clip);
    minibatches++;
  }

  /** The global gradient norm of a minibatch before clipping ({@link Adam#step}'s return) and the clipping threshold. */
  void gradient(double norm, double maxNorm) {
    gradNorm += norm;
    gradients++;
    if (maxNorm > 0 && norm > maxNorm) clippedGradients++;
  }

  /**
   * The update's record, means over its minibatches, then a fresh start for the next rollout.
   *
   * @param values the value function's predictions at collection time; @param returns their targets
   */
  TrainingLog.Update finish(long step, double learningRate, double clip, float[] values, float[] returns) {
    int m = Math.max(minibatches, 1), g = Math.max(gradients, 1);
    TrainingLog.Update u = new TrainingLog.Update(step, learningRate, clip, policyLoss / m, valueLoss / m, entropy / m,
        approxKl / m, clipFraction / m, gradNorm / g, (double) clippedGradients / g, explainedVariance(values, returns));
    policyLoss = valueLoss = entropy = approxKl = clipFraction = gradNorm = 0;
    minibatches = gradients = clippedGradients = 0;
    return u;
  }

  /**
   * KL(old ‖ new) estimated from the samples' log ratios r = log(π_new / π_old) as the mean of
   * (e^r − 1) − r: unbiased and never negative (Schulman, "Approximating KL divergence", 2020; SB3's
   * {@code approx_kl}).
   */
  static double approxKl(float[] logRatios) {
    double s = 0;
    for (float r : logRatios) s += Math.expm1(r) - r;
    return logRatios.length == 0 ? 0 : s / logRatios.length;
  }

  /** The share of samples whose ratio e^r lies outside [1 − clip, 1 + clip]. */
  static double clipFraction(float[] logRatios, double clip) {
    int n = 0;
    for (float r : logRatios) if (Math.abs(Math.expm1(r)) > clip) n++;
    return logRatios.length == 0 ? 0 : (double) n / logRatios.length;
  }

  /** 1 − Var(returns − values) / Var(returns): 1 is a perfect critic, 0 one no better than a constant; NaN when the returns do not vary. */
  static double explainedVariance(float[] values, float[] returns) {
    int n = Math.min(values.length, returns.length);
    double mr = 0, md = 0;
    for (int i = 0; i < n; i++) {
      mr += returns[i];
      md += returns[i] - values[i];
    }
    mr /= n;
    md /= n;
    double vr = 0, vd = 0;
    for (int i = 0; i < n; i++) {
      double r = returns[i] - mr, d = returns[i] - values[i] - md;
      vr += r * r;
      vd += d * d;
    }
    return vr == 0 ? Double.NaN : 1 - vd / vr;
  }
}

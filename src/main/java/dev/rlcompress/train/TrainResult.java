package dev.rlcompress.train;

import dev.rlcompress.model.PolicyModel;

/**
 * @param model the selected policy with all its heads (the best periodic evaluation, or the final
 *     weights when evaluation is off)
 * @param bestEvalReturn mean return of the selected policy in training-time evaluation (NaN if none)
 */
public record TrainResult(PolicyModel model, long steps, double seconds, double bestEvalReturn, long bestEvalStep) {
  public double stepsPerSecond() {
    return steps / Math.max(seconds, 1e-9);
  }
}

package dev.rlcompress.autocompress;

import dev.rlcompress.env.Space;
import dev.rlcompress.eval.ActionGaps;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.runtime.Policy;
import java.util.List;

/**
 * The cheap signals, measured on the reference's own stored states without running an episode: greedy
 * agreement, how often the output error exceeds the reference's action gap (ActionGaps), and for a
 * Q-value head an estimate of the return lost. That estimate is the performance-difference lemma
 * evaluated on the reference's states: each step where the candidate picks action a instead of the
 * reference's best costs max Q − Q(s, a) of the reference's Q-values, so the mean of that regret times
 * the mean episode length approximates the drop in episode return. It uses the reference's values, so
 * it also judges candidates whose own outputs are no longer Q-values (sharpened distillation).
 *
 * <p>The gate is deliberately loose (episodes decide): a Q head passes when the estimated loss is within
 * the allowed drop; other heads pass with at least {@link #MIN_AGREEMENT} greedy agreement (the
 * LunarLander PPO policy kept 96% of its return at 71% agreement in pruning.md).
 */
final class Screen {
  static final double MIN_AGREEMENT = 0.6;

  private final List<float[]> states;
  private final float[][] reference;
  private final HeadKind head;
  private final Space actionSpace;
  private final Policy referencePolicy;
  private final double episodeLength;
  private final double allowedLoss;

  /**
   * @param referencePolicy the fp32 policy, already open; its outputs on {@code states} are computed once
   * @param episodeLength mean length of the reference's episodes
   * @param allowedLoss maxDrop × |reference return|
   */
  Screen(Policy referencePolicy, List<float[]> states, Space actionSpace, double episodeLength, double allowedLoss) {
    this.referencePolicy = referencePolicy;
    this.states = states;
    this.head = referencePolicy.actionHead();
    this.actionSpace = actionSpace;
    this.episodeLength = episodeLength;
    this.allowedLoss = allowedLoss;
    this.reference = ActionGaps.batch1(referencePolicy, states);
  }

  double allowedLoss() {
    return allowedLoss;
  }

  int states() {
    return states.size();
  }

  /** The stored states, for the latency protocol. */
  List<float[]> statesForLatency() {
    return states;
  }

  Signals measure(Policy candidate) {
    if (!head.isDiscrete()) {
      return new Signals(Evaluator.agreement(candidate, referencePolicy, states, actionSpace).agreement(), Double.NaN, Double.NaN);
    }
    float[][] y = ActionGaps.batch1(candidate, states);
    ActionGaps.Row row = ActionGaps.compare(candidate.name(), reference, y);
    double loss = Double.NaN;
    if (head instanceof HeadKind.QValues) {
      double regret = 0;
      for (int i = 0; i < y.length; i++) {
        float[] q = reference[i];
        regret += q[Actions.argmax(q)] - q[Actions.argmax(y[i])];
      }
      loss = regret / y.length * episodeLength;
    }
    return new Signals(row.agreement(), row.exceedsGap(), loss);
  }

  boolean passes(Signals s) {
    return !Double.isNaN(s.estimatedLoss()) ? s.estimatedLoss() <= allowedLoss : s.agreement() >= MIN_AGREEMENT;
  }

  /** The signals in words, e.g. "error exceeds the action gap on 97% of states, agreement 25%, estimated loss 95.2 > 13.9 allowed". */
  String explain(Signals s) {
    StringBuilder b = new StringBuilder();
    if (!Double.isNaN(s.exceedsGap())) b.append(String.format("error exceeds the action gap on %.0f%% of states, ", 100 * s.exceedsGap()));
    b.append(String.format("agreement %.0f%%", 100 * s.agreement()));
    if (!Double.isNaN(s.estimatedLoss()))
      b.append(String.format(", estimated loss %.3g %s %.3g allowed", s.estimatedLoss(), s.estimatedLoss() <= allowedLoss ? "<=" : ">", allowedLoss));
    else if (s.agreement() < MIN_AGREEMENT)
      b.append(String.format(" < %.0f%%", 100 * MIN_AGREEMENT));
    return b.toString();
  }
}

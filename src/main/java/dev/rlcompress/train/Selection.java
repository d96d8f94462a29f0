package dev.rlcompress.train;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.HeadKind;
import java.util.function.Function;

/**
 * Training-time evaluation and best-model selection, as RL Zoo's EvalCallback does: every
 * {@code eval_freq} steps the greedy policy plays {@code eval_episodes} episodes on seeds disjoint from
 * the final evaluation's, and the best weights so far are kept. Off-policy value methods in particular
 * oscillate late in training; selecting on a held-out evaluation is the field's standard remedy.
 */
public final class Selection {
  static final long EVAL_SEED = 7_000_000L;
  private final String envId;
  private final int episodes;
  private final long freq;
  private long nextEval;
  double best = Double.NEGATIVE_INFINITY;
  long bestStep = -1;
  double last = Double.NaN;

  Selection(String envId, long freq, int episodes, long start) {
    this.envId = envId;
    this.freq = freq;
    this.episodes = episodes;
    this.nextEval = freq > 0 && episodes > 0 ? (start / freq + 1) * freq : Long.MAX_VALUE;
  }

  public boolean due(long step) {
    return step >= nextEval;
  }

  /** Evaluates now; returns true when this is a new best (the caller then snapshots its weights). */
  public boolean evaluate(long step, HeadKind kind, Function<float[], float[]> headOutput) {
    while (nextEval <= step) nextEval += freq;
    try (var env = Envs.make(envId)) {
      last = Rollouts.meanReturn(
          Rollouts.run(env, Actions.greedy(kind, env.actionSpace(), headOutput), episodes, EVAL_SEED, null));
    }
    if (last >= best) {
      best = last;
      bestStep = step;
      return true;
    }
    return false;
  }

  String note() {
    return Double.isNaN(last) ? "" : String.format("eval %.1f best %.1f", last, best);
  }

  /** This selection continued after a resume at {@code step}: same best so far, next evaluation after step. */
  Selection resumedAt(long step, long freq, int episodes) {
    Selection s = new Selection(envId, freq, episodes, step);
    s.best = best;
    s.bestStep = bestStep;
    return s;
  }

  void save(Checkpoint c) {
    c.put("select.best", Double.doubleToLongBits(best));
    c.put("select.bestStep", bestStep);
  }

  void load(Checkpoint c) {
    best = Double.longBitsToDouble(c.number("select.best"));
    bestStep = c.number("select.bestStep");
  }
}

package dev.rlcompress.eval;

/**
 * How to evaluate.
 *
 * @param episodes evaluation episodes (at least one: a report of no episodes has no return to show);
 *     episode k starts from seed {@code seed + k}
 * @param seed first episode seed; the default keeps clear of training and training-time evaluation seeds
 * @param latency whether to run the latency protocol (batch 1 and batch 100)
 * @param passes timed batch passes (the pixel-game study's protocol: 500 passes of batch 100)
 * @param batch batch size of the batched latency measurement
 */
public record EvalOptions(int episodes, long seed, boolean latency, int passes, int batch) {
  public static final long DEFAULT_SEED = 1_000_000L;

  public EvalOptions {
    if (episodes <= 0) throw new dev.rlcompress.util.UserError("--episodes must be at least 1 (got " + episodes + ")");
    if (passes <= 0 || batch <= 0) throw new dev.rlcompress.util.UserError("latency passes and batch must be positive");
  }

  public static EvalOptions defaults(int episodes) {
    return new EvalOptions(episodes, DEFAULT_SEED, true, 500, 100);
  }

  public EvalOptions withoutLatency() {
    return new EvalOptions(episodes, seed, false, passes, batch);
  }
}

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
 * @param rounds interleaved latency rounds when several models are measured together (medians reported)
 * @param jobs environments played side by side (episodes and their seeds, returns and observed states are
 *     the same for any value; see {@link dev.rlcompress.env.Rollouts#run(dev.rlcompress.env.Env,
 *     java.util.function.Supplier, java.util.function.LongFunction, int, long, java.util.function.Consumer, int, int)})
 * @param stochastic actions sampled from the policy's distribution, seeded per episode, instead of the
 *     greedy ones (RL Zoo's evaluation of Atari policies); agreement is still of greedy actions
 */
public record EvalOptions(int episodes, long seed, boolean latency, int passes, int batch, int rounds, int jobs, boolean stochastic) {
  public static final long DEFAULT_SEED = 1_000_000L;
  /** Rounds per comparison table unless asked otherwise. */
  public static final int DEFAULT_ROUNDS = 5;

  public EvalOptions {
    if (episodes <= 0) throw new dev.rlcompress.util.UserError("--episodes must be at least 1 (got " + episodes + ")");
    if (passes <= 0 || batch <= 0) throw new dev.rlcompress.util.UserError("latency passes and batch must be positive");
    if (rounds <= 0) throw new dev.rlcompress.util.UserError("latency rounds must be at least 1 (got " + rounds + ")");
    if (jobs <= 0) throw new dev.rlcompress.util.UserError("--jobs must be at least 1 (got " + jobs + ")");
  }

  public EvalOptions(int episodes, long seed, boolean latency, int passes, int batch, int rounds) {
    this(episodes, seed, latency, passes, batch, rounds, 1, false);
  }

  public EvalOptions(int episodes, long seed, boolean latency, int passes, int batch) {
    this(episodes, seed, latency, passes, batch, DEFAULT_ROUNDS);
  }

  public static EvalOptions defaults(int episodes) {
    return new EvalOptions(episodes, DEFAULT_SEED, true, 500, 100);
  }

  public EvalOptions withoutLatency() {
    return new EvalOptions(episodes, seed, false, passes, batch, rounds, jobs, stochastic);
  }
}

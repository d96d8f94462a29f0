package dev.rlcompress.env.gym;

import dev.rlcompress.util.UserError;
import java.time.Duration;

/**
 * How copies are spread over worker processes, and how long a worker may take to answer.
 *
 * @param workers most worker processes for one batch (copies are split evenly; fewer when there are
 *     fewer copies). Workers step in parallel; one worker steps its copies one after the other
 * @param timeout longest wait for one reply before the worker is killed and the call fails
 */
public record BridgeSettings(int workers, Duration timeout) {
  public BridgeSettings {
    if (workers < 1) throw new UserError("need at least one Gymnasium worker, got " + workers);
    if (timeout.isNegative() || timeout.isZero()) throw new UserError("the Gymnasium worker timeout must be positive");
  }

  /**
   * One worker per core and a 120 s timeout, overridden by {@code -Drlc.gym.workers=N} and
   * {@code -Drlc.gym.timeout=SECONDS} (long resets of heavy environments on a loaded machine need room).
   */
  public static BridgeSettings defaults() {
    return new BridgeSettings(
        Integer.getInteger("rlc.gym.workers", Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(Long.getLong("rlc.gym.timeout", 120)));
  }

  public BridgeSettings withWorkers(int n) {
    return new BridgeSettings(n, timeout);
  }

  public BridgeSettings withTimeout(Duration t) {
    return new BridgeSettings(workers, t);
  }
}

package dev.rlcompress.env;

import java.util.Map;

/**
 * The result of one environment step, with Gymnasium's split between {@code terminated} (the MDP
 * reached a terminal state: do not bootstrap) and {@code truncated} (a time limit cut the episode:
 * bootstrap from the value of {@code observation}). Both are true when the time-limit step is also a
 * terminal one, as Gymnasium's {@code TimeLimit} reports it.
 *
 * @param info Gymnasium's {@code info} numbers (reward components, positions); empty where the
 *     environment reports none
 */
public record Step(float[] observation, double reward, boolean terminated, boolean truncated, Map<String, Double> info) {
  public Step {
    info = info == null || info.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(info));
  }

  public Step(float[] observation, double reward, boolean terminated, boolean truncated) {
    this(observation, reward, terminated, truncated, Map.of());
  }

  public boolean done() {
    return terminated || truncated;
  }

  /** The same step with the time-limit flag set. */
  Step withTruncated() {
    return new Step(observation, reward, terminated, true, info);
  }
}

package dev.rlcompress.env;

/**
 * The result of one environment step, with Gymnasium's split between {@code terminated} (the MDP
 * reached a terminal state: do not bootstrap) and {@code truncated} (a time limit cut the episode:
 * bootstrap from the value of {@code observation}).
 */
public record Step(float[] observation, double reward, boolean terminated, boolean truncated) {
  public boolean done() {
    return terminated || truncated;
  }
}

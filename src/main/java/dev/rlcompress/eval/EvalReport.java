package dev.rlcompress.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything measured about one model in one evaluation. NaN marks what does not apply (success rate
 * without a threshold, agreement without a reference, latency when not measured).
 *
 * @param actionRmse continuous actions only: root-mean-square difference from the reference's action
 *     over the visited states and action dimensions, each dimension divided by its range (high - low)
 * @param actionMaxError continuous actions only: the largest such normalized difference
 */
public record EvalReport(
    String model,
    String envId,
    int episodes,
    double meanReturn,
    double stdReturn,
    double ci95Low,
    double ci95High,
    double successRate,
    double agreement,
    double agreementDecisive,
    double actionRmse,
    double actionMaxError,
    double meanEpisodeLength,
    double latencyUsB1,
    double latencyMsB100,
    long sizeBytes,
    long params,
    double sparsity) {

  /** The same report under another label (a sweep cell, a variant name). */
  public EvalReport withModel(String label) {
    return new EvalReport(label, envId, episodes, meanReturn, stdReturn, ci95Low, ci95High, successRate, agreement,
        agreementDecisive, actionRmse, actionMaxError, meanEpisodeLength, latencyUsB1, latencyMsB100, sizeBytes, params, sparsity);
  }

  public EvalReport withLatency(double b1, double bBatch) {
    return new EvalReport(model, envId, episodes, meanReturn, stdReturn, ci95Low, ci95High, successRate, agreement,
        agreementDecisive, actionRmse, actionMaxError, meanEpisodeLength, b1, bBatch, sizeBytes, params, sparsity);
  }

  /**
   * The machine-readable form printed by {@code rlc eval --json}. What does not apply (NaN here) is
   * null there: JSON has no NaN.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("env", envId);
    m.put("episodes", episodes);
    m.put("mean_return", meanReturn);
    m.put("std_return", stdReturn);
    m.put("ci95", new double[] {ci95Low, ci95High});
    m.put("success_rate", successRate);
    m.put("agreement", agreement);
    m.put("agreement_decisive", agreementDecisive);
    m.put("action_rmse", actionRmse);
    m.put("action_max_error", actionMaxError);
    m.put("mean_episode_length", meanEpisodeLength);
    m.put("latency_us_b1", latencyUsB1);
    m.put("latency_ms_b100", latencyMsB100);
    m.put("size_bytes", sizeBytes);
    m.put("params", params);
    m.put("sparsity", sparsity);
    m.replaceAll((k, v) -> v instanceof Double d && d.isNaN() ? null : v);
    if (Double.isNaN(ci95Low)) m.put("ci95", null);
    return m;
  }
}

package dev.rlcompress.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything measured about one model in one evaluation, in four groups: what it scored, how closely it
 * follows a reference, how fast it runs, and what it weighs. NaN marks what does not apply (success
 * rate without a threshold, agreement without a reference, latency when not measured).
 */
public record EvalReport(String model, String envId, Returns returns, Fidelity fidelity, Timing timing, Footprint footprint) {

  /**
   * @param episodes evaluation episodes played
   * @param mean mean return
   * @param std its standard deviation
   * @param ci95Low lower end of the 95% bootstrap interval of the mean
   * @param ci95High upper end
   * @param successRate fraction of episodes at or above the env's success threshold (NaN without one)
   * @param meanEpisodeLength mean steps per episode
   */
  public record Returns(int episodes, double mean, double std, double ci95Low, double ci95High, double successRate,
      double meanEpisodeLength) {}

  /**
   * Action agreement with a reference on the states this model visited (all NaN without a reference).
   *
   * @param agreement fraction of states with the same greedy action (continuous: within 5% of the range)
   * @param agreementDecisive the same on the states where the reference's choice is clear
   * @param actionRmse continuous actions only: root-mean-square difference from the reference's action
   *     over the visited states and action dimensions, each dimension divided by its range (high - low)
   * @param actionMaxError continuous actions only: the largest such normalized difference
   */
  public record Fidelity(double agreement, double agreementDecisive, double actionRmse, double actionMaxError) {
    public static final Fidelity NONE = new Fidelity(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Mean µs per batch-1 call and mean ms per batched pass (NaN when not measured). */
  public record Timing(double usB1, double msBatch) {
    public static final Timing NONE = new Timing(Double.NaN, Double.NaN);
  }

  /** Size of the file on disk, parameters, and the fraction of zeros among weights and biases. */
  public record Footprint(long sizeBytes, long params, double sparsity) {}

  /** The same report under another label (a sweep cell, a variant name). */
  public EvalReport withModel(String label) {
    return new EvalReport(label, envId, returns, fidelity, timing, footprint);
  }

  public EvalReport withLatency(double b1, double bBatch) {
    return new EvalReport(model, envId, returns, fidelity, new Timing(b1, bBatch), footprint);
  }

  public int episodes() {
    return returns.episodes();
  }

  public double meanReturn() {
    return returns.mean();
  }

  public double stdReturn() {
    return returns.std();
  }

  public double ci95Low() {
    return returns.ci95Low();
  }

  public double ci95High() {
    return returns.ci95High();
  }

  public double successRate() {
    return returns.successRate();
  }

  public double meanEpisodeLength() {
    return returns.meanEpisodeLength();
  }

  public double agreement() {
    return fidelity.agreement();
  }

  public double agreementDecisive() {
    return fidelity.agreementDecisive();
  }

  public double actionRmse() {
    return fidelity.actionRmse();
  }

  public double actionMaxError() {
    return fidelity.actionMaxError();
  }

  public double latencyUsB1() {
    return timing.usB1();
  }

  public double latencyMsB100() {
    return timing.msBatch();
  }

  public long sizeBytes() {
    return footprint.sizeBytes();
  }

  public long params() {
    return footprint.params();
  }

  public double sparsity() {
    return footprint.sparsity();
  }

  /**
   * The machine-readable form printed by {@code rlc eval --json}. What does not apply (NaN here) is
   * null there: JSON has no NaN.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("env", envId);
    m.put("episodes", episodes());
    m.put("mean_return", meanReturn());
    m.put("std_return", stdReturn());
    m.put("ci95", new double[] {ci95Low(), ci95High()});
    m.put("success_rate", successRate());
    m.put("agreement", agreement());
    m.put("agreement_decisive", agreementDecisive());
    m.put("action_rmse", actionRmse());
    m.put("action_max_error", actionMaxError());
    m.put("mean_episode_length", meanEpisodeLength());
    m.put("latency_us_b1", latencyUsB1());
    m.put("latency_ms_b100", latencyMsB100());
    m.put("size_bytes", sizeBytes());
    m.put("params", params());
    m.put("sparsity", sparsity());
    m.replaceAll((k, v) -> v instanceof Double d && d.isNaN() ? null : v);
    if (Double.isNaN(ci95Low())) m.put("ci95", null);
    return m;
  }
}

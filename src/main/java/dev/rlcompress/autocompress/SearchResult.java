package dev.rlcompress.autocompress;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a search found and what it cost.
 *
 * @param baseline the original, evaluated on the search seeds
 * @param evaluated every candidate that got episodes, in the order they were tried
 * @param chosen index into {@code evaluated} of the accepted variant, -1 when none was accepted
 * @param account why the chosen variant looks as it does, and what was ruled out
 * @param cost what the search built, screened and spent
 * @param proto the chosen variant with the search recorded in its provenance; null when none
 */
public record SearchResult(SearchOptions options, String rule, Row baseline, List<Row> evaluated, int chosen,
    Account account, Cost cost, ModelProto proto) {

  /**
   * @param explanation why the chosen variant looks the way it does, one decision per line
   * @param notes what the screen and the episodes ruled out
   */
  public record Account(List<String> explanation, List<String> notes) {}

  /**
   * @param screened candidates built and screened
   * @param passed of them, those that passed the screen
   * @param episodes episodes spent: calibration + baseline + candidates
   */
  public record Cost(int screened, int passed, Episodes episodes) {}

  public List<String> explanation() {
    return account.explanation();
  }

  public List<String> notes() {
    return account.notes();
  }

  public int screened() {
    return cost.screened();
  }

  public int passed() {
    return cost.passed();
  }

  public Episodes episodes() {
    return cost.episodes();
  }

  /** Episodes spent, by purpose. */
  public record Episodes(int calibration, int baseline, int candidates) {
    public int total() {
      return calibration + baseline + candidates;
    }
  }

  /**
   * One evaluated model.
   *
   * @param objective its objective value (lower is better)
   * @param decision the acceptance test at its last look (null for the baseline)
   * @param pareto whether no other evaluated model is at least as good on both objective and return
   */
  public record Row(String label, String runtime, Measures measures, Signals signals, Acceptance.Decision decision,
      double[] returns, boolean pareto) {
    Row(String label, String runtime, long sizeBytes, double latencyUsB1, double objective, Signals signals,
        Acceptance.Decision decision, double[] returns) {
      this(label, runtime, new Measures(sizeBytes, latencyUsB1, objective), signals, decision, returns, false);
    }

    public double meanReturn() {
      return Acceptance.mean(returns, returns.length);
    }

    public long sizeBytes() {
      return measures.sizeBytes();
    }

    public double latencyUsB1() {
      return measures.latencyUsB1();
    }

    public double objective() {
      return measures.objective();
    }

    Row withLatency(double us, Objective o) {
      return new Row(label, runtime, new Measures(sizeBytes(), us, o.of(sizeBytes(), us)), signals, decision, returns, pareto);
    }

    Row withPareto(boolean p) {
      return new Row(label, runtime, measures, signals, decision, returns, p);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", label);
      m.put("runtime", runtime);
      m.put("size_bytes", sizeBytes());
      m.put("latency_us_b1", latencyUsB1());
      m.put("objective", objective());
      m.put("episodes", returns.length);
      m.put("mean_return", meanReturn());
      if (signals != null) m.put("signals", signals.toJson());
      if (decision != null) {
        m.put("verdict", decision.verdict().label);
        m.put("bar", decision.bar());
        m.put("bound", new double[] {decision.low(), decision.high()});
      }
      m.put("pareto", pareto);
      m.put("returns", returns);
      return m;
    }
  }

  /** A model's size on disk, batch-1 latency (µs) and objective value (lower is better). */
  public record Measures(long sizeBytes, double latencyUsB1, double objective) {}

  /** The return a variant must keep on average over all the baseline's search episodes. */
  public double bar() {
    return new Acceptance(options.maxDrop(), List.of(2), 2, 0.05).bar(baseline.meanReturn());
  }

  public Row chosenRow() {
    return chosen < 0 ? null : evaluated.get(chosen);
  }

  /** Baseline and evaluated rows, the rows of the Pareto table. */
  public List<Row> table() {
    List<Row> all = new ArrayList<>();
    all.add(baseline);
    all.addAll(evaluated);
    return all;
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("env", options.envId());
    m.put("objective", options.objective().cli());
    m.put("max_drop", options.maxDrop());
    m.put("seed", options.seed());
    m.put("rule", rule);
    m.put("baseline", baseline.toJson());
    m.put("chosen", chosen < 0 ? null : chosenRow().toJson());
    m.put("explanation", explanation());
    m.put("evaluated", evaluated.stream().map(Row::toJson).toList());
    m.put("notes", notes());
    m.put("screened", screened());
    m.put("passed_screen", passed());
    Map<String, Object> e = new LinkedHashMap<>();
    Episodes episodes = episodes();
    e.put("calibration", episodes.calibration());
    e.put("baseline", episodes.baseline());
    e.put("candidates", episodes.candidates());
    e.put("total", episodes.total());
    e.put("budget", options.budgetEpisodes());
    m.put("episodes", e);
    return m;
  }
}

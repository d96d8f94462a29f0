package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalReport;
import java.util.List;

/** Markdown tables of evaluation reports, readable in a terminal and pasteable into docs. */
final class Table {
  private Table() {}

  static String reports(List<EvalReport> rs) {
    StringBuilder sb = new StringBuilder();
    sb.append("| model | env | episodes | mean return | 95% CI | std | success | agreement | agreement (decisive) | action error (RMSE / max) | latency b1 (µs) | latency b100 (ms) | size (bytes) | params | sparsity |\n");
    sb.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (EvalReport r : rs) {
      sb.append(String.format("| %s | %s | %d | %.1f | [%.1f, %.1f] | %.1f | %s | %s | %s | %s | %s | %s | %,d | %,d | %.1f%% |%n",
          r.model(), r.envId(), r.episodes(), r.meanReturn(), r.ci95Low(), r.ci95High(), r.stdReturn(),
          pct(r.successRate()), pct(r.agreement()), pct(r.agreementDecisive()), actionError(r), num(r.latencyUsB1(), 1), num(r.latencyMsB100(), 3),
          r.sizeBytes(), r.params(), 100 * r.sparsity()));
    }
    return sb.toString();
  }

  /** Continuous actions' error against the reference, in % of the action range; "-" where it does not apply. */
  static String actionError(EvalReport r) {
    return Double.isNaN(r.actionRmse()) ? "-" : String.format("%.2f%% / %.2f%%", 100 * r.actionRmse(), 100 * r.actionMaxError());
  }

  static String pct(double x) {
    return Double.isNaN(x) ? "-" : String.format("%.1f%%", 100 * x);
  }

  static String num(double x, int digits) {
    return Double.isNaN(x) ? "-" : String.format("%." + digits + "f", x);
  }
}

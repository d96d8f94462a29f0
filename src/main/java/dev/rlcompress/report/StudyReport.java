package dev.rlcompress.report;

import dev.rlcompress.study.Analysis;
import dev.rlcompress.study.Energy;
import dev.rlcompress.study.Scores;
import dev.rlcompress.study.Store;
import dev.rlcompress.util.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A study's report from its database alone: the return table (algorithm × environment × method, best in
 * bold), the best pruning method and ratio per algorithm × environment, per-variant returns and scores,
 * the resource table, recommendations, failures, plots, and the spec that produced it.
 */
public final class StudyReport {
  private StudyReport() {}

  /** What was written. */
  public record Written(Path markdown, Path html, List<Path> images) {}

  public static Written write(Path db, Path dir) throws IOException {
    Analysis.Study s;
    try (Store store = Store.openForReading(db)) {
      s = Analysis.of(store);
    }
    Document d = build(s, db);
    Files2.writableDirectory(dir);
    List<Path> images = new ArrayList<>();
    for (Document.Block b : d.blocks()) {
      if (b instanceof Document.Image i) {
        Path p = dir.resolve(i.file());
        Files2.writeAtomically(p, i.png());
        images.add(p);
      }
    }
    Path md = dir.resolve("report.md"), html = dir.resolve("report.html");
    Files2.writeAtomically(md, d.markdown().getBytes(StandardCharsets.UTF_8));
    Files2.writeAtomically(html, d.html().getBytes(StandardCharsets.UTF_8));
    return new Written(md, html, images);
  }

  static Document build(Analysis.Study s, Path db) {
    Document d = new Document("Study: " + s.name());
    boolean estimated = s.groups().stream().flatMap(g -> g.variants().stream())
        .anyMatch(v -> "ESTIMATE".equals(v.energyMethod()));
    String energyLabel = estimated ? Energy.Method.ESTIMATE.label : Energy.Method.RAPL.label;
    d.add(new Document.Paragraph(String.format(Locale.ROOT,
        "Made by `rlc report %s` from the study database. %s repeats per variant; returns are means over each repeat's "
            + "evaluation episodes, summarized across repeats (mean, 95%% bootstrap interval, IQM). Energy: %s. "
            + "The best pruning ratio is the highest that keeps at least %.0f%% of the baseline's return.",
        db.getFileName(), s.meta().getOrDefault("repeats", "?"), energyLabel, 100 * s.weights().keep())));
    d.add(new Document.Heading(2, "Recommendations"));
    d.add(new Document.Table(List.of("algorithm", "environment", "recommendation"),
        s.groups().stream().map(g -> List.of(g.algorithm(), g.env(), g.recommendation())).toList(), List.of(), null));
    returnTable(d, s);
    pruningTable(d, s);
    for (Analysis.Group g : s.groups()) groupSection(d, s, g, estimated, energyLabel);
    if (!s.failures().isEmpty()) {
      d.add(new Document.Heading(2, "Failed cells"));
      d.add(new Document.Table(List.of("cell", "source", "variant", "repeat", "error"),
          s.failures().stream().map(f -> List.of(f.cellKey().substring(0, 12), f.sourceLabel(),
              f.variant() == null ? f.kind().toLowerCase(Locale.ROOT) : f.variant(), f.repeat() < 0 ? "" : "" + f.repeat(),
              f.error() == null ? "" : f.error())).toList(), List.of(), null));
    }
    d.add(new Document.Heading(2, "Scoring"));
    d.add(new Document.Paragraph(String.format(Locale.ROOT,
        "Combined score = retention^%.2f × speed-up^%.2f × (1/size ratio)^%.2f × (1/energy ratio)^%.2f "
            + "(baseline = 1; return retention = (R − %.1f) / (R_baseline − %.1f)); only variants keeping ≥ %.0f%% "
            + "of the return are eligible. Weights come from the spec's `scores:` (defaults documented in "
            + "`dev.rlcompress.study.Scores`).", s.weights().returnWeight(), s.weights().speedWeight(),
        s.weights().sizeWeight(), s.weights().energyWeight(), s.weights().returnFloor(), s.weights().returnFloor(),
        100 * s.weights().keep())));
    if (s.meta().containsKey("spec_text")) {
      d.add(new Document.Heading(2, "Spec"));
      d.add(new Document.Code(s.meta().get("spec_text")));
    }
    return d;
  }

  /** Average return per algorithm × environment × (baseline, quantization, pipelines); best of each row in bold. */
  private static void returnTable(Document d, Analysis.Study s) {
    Set<String> cols = new LinkedHashSet<>();
    for (Analysis.Group g : s.groups())
      for (Analysis.VariantSummary v : g.variants())
        if (v.kind() != Analysis.Kind.PRUNE) cols.add(v.variant());
    if (cols.isEmpty()) return;
    List<String> header = new ArrayList<>(List.of("algorithm × environment"));
    header.addAll(cols);
    List<List<String>> rows = new ArrayList<>();
    List<int[]> bold = new ArrayList<>();
    for (Analysis.Group g : s.groups()) {
      List<String> row = new ArrayList<>(List.of(g.algorithm() + " " + g.env()));
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      int c = 1;
      for (String col : cols) {
        Analysis.VariantSummary v = find(g, col);
        row.add(v == null || v.repeats() == 0 ? "–" : String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", v.meanReturn(), v.ci95Low(), v.ci95High()));
        if (v != null && v.repeats() > 0 && v.meanReturn() > bestValue) {
          bestValue = v.meanReturn();
          best = c;
        }
        c++;
      }
      if (best > 0) bold.add(new int[] {rows.size(), best});
      rows.add(row);
    }
    d.add(new Document.Heading(2, "Average return per algorithm × environment × method"));
    d.add(new Document.Table(header, rows, bold, "Mean return across repeats [95% bootstrap interval]; best of each row in bold."));
  }

  /** Best ratio per pruning method by the 90% rule, and the best method (bold). */
  private static void pruningTable(Document d, Analysis.Study s) {
    Set<String> methods = new LinkedHashSet<>();
    for (Analysis.Group g : s.groups()) for (Analysis.BestRatio b : g.bestPerMethod()) methods.add(b.method());
    if (methods.isEmpty()) return;
    List<String> header = new ArrayList<>(List.of("algorithm × environment"));
    header.addAll(methods);
    header.add("best method");
    List<List<String>> rows = new ArrayList<>();
    List<int[]> bold = new ArrayList<>();
    for (Analysis.Group g : s.groups()) {
      List<String> row = new ArrayList<>(List.of(g.algorithm() + " " + g.env()));
      int c = 1;
      for (String m : methods) {
        Analysis.BestRatio b = g.bestPerMethod().stream().filter(x -> x.method().equals(m)).findFirst().orElse(null);
        row.add(b == null ? "–" : b.ratio() == 0 ? "none keeps it" : String.format(Locale.ROOT, "%.2f (%.1f)", b.ratio(), b.meanReturn()));
        if (b != null && g.bestPruning() != null && b.method().equals(g.bestPruning().method()) && b.ratio() > 0)
          bold.add(new int[] {rows.size(), c});
        c++;
      }
      Analysis.BestRatio b = g.bestPruning();
      row.add(b == null || b.ratio() == 0 ? "none" : String.format(Locale.ROOT, "%s at %.2f", b.method(), b.ratio()));
      rows.add(row);
    }
    d.add(new Document.Heading(2, "Best pruning method and ratio"));
    d.add(new Document.Table(header, rows, bold, String.format(Locale.ROOT,
        "Highest ratio keeping ≥ %.0f%% of the baseline return (mean return there); the best method in bold.",
        100 * s.weights().keep())));
  }

  private static void groupSection(Document d, Analysis.Study s, Analysis.Group g, boolean estimated, String energyLabel) {
    String slug = (g.algorithm() + "-" + g.env()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    d.add(new Document.Heading(2, g.algorithm() + " on " + g.env()));
    d.add(new Document.Paragraph("**Recommendation:** " + g.recommendation()));
    List<List<String>> rows = new ArrayList<>();
    List<int[]> bold = new ArrayList<>();
    // Continuous actions: the action error beside agreement (agreement there = every dimension within 5% of its range).
    boolean continuous = g.variants().stream().anyMatch(v -> Double.isFinite(v.fidelity().actionRmse()));
    for (Analysis.VariantSummary v : g.variants()) {
      Scores.Ratios r = v.ratios();
      if (v.variant().equals(g.recommended())) bold.add(new int[] {rows.size(), 0});
      List<String> row = new ArrayList<>(List.of(v.variant(), v.repeats() + (v.failed() > 0 ? " (+" + v.failed() + " failed)" : ""),
          f(v.meanReturn(), 1), v.repeats() == 0 ? "–" : "[" + f(v.ci95Low(), 1) + ", " + f(v.ci95High(), 1) + "]",
          f(v.iqm(), 1), pct(v.successRate()), pct(v.fidelity().agreement())));
      if (continuous) row.addAll(List.of(pct(v.fidelity().actionRmse()), pct(v.fidelity().actionMaxError())));
      row.addAll(List.of(pct(r.retention()), f(v.score(), 2), v.eligible() ? "yes" : "no"));
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("variant", "repeats", "mean return", "95% CI", "IQM", "success", "agreement"));
    if (continuous) header.addAll(List.of("action RMSE (of range)", "max action error"));
    header.addAll(List.of("retention", "score", "eligible"));
    d.add(new Document.Table(header, rows, bold, "Returns and scores (recommended variant in bold)."
        + (continuous ? " Continuous actions: agreement = every action dimension within 5% of its range of the source's;"
            + " action errors are normalized by the range." : "")));
    List<List<String>> res = new ArrayList<>();
    for (Analysis.VariantSummary v : g.variants()) {
      Scores.Ratios r = v.ratios();
      res.add(List.of(v.variant(), f(v.footprint().sizeBytes() / 1024.0, 1), f(r.sizeRatio(), 2),
          String.format(Locale.ROOT, "%,d", v.footprint().params()), pct(v.footprint().sparsity()), f(v.latencyUsB1(), 1), f(r.speedup(), 2), f(v.latencyMsBatch(), 3),
          f(v.memoryPeakKb() / 1024, 1), f(v.memoryBaselineKb() / 1024, 1), f(v.memoryModelKb() / 1024, 2),
          f(v.energyJPerInference() * 1e6, 3), f(r.energyRatio(), 2)));
    }
    d.add(new Document.Table(List.of("variant", "size (KiB)", "size ×", "params", "sparsity", "latency b1 (µs)",
        "speed-up", "latency b" + s.batch() + " (ms)", "peak RSS (MiB)", "runtime baseline (MiB)", "model share (MiB)",
        "energy (µJ/inference" + (estimated ? ", estimate" : "") + ")", "energy ×"), res, List.of(),
        "Resources. Latency: medians over interleaved rounds and repeats. Memory: peak RSS of an isolated child "
            + "process running only this variant, next to the same child's empty-runtime baseline. Energy: " + energyLabel + "."));
    if (g.variants().stream().anyMatch(v -> v.kind() == Analysis.Kind.PRUNE))
      d.add(new Document.Image(slug + "-return-vs-ratio.png", Charts.returnVsRatio(g, s.weights().keep()),
          g.algorithm() + " " + g.env() + ": mean return vs pruning ratio, error bars half the 95% interval, dashed line "
              + String.format(Locale.ROOT, "%.0f%%", 100 * s.weights().keep()) + " of baseline"));
    d.add(new Document.Image(slug + "-resources.png", Charts.resources(g, estimated),
        g.algorithm() + " " + g.env() + ": inference time, energy" + (estimated ? " (estimate)" : "")
            + ", memory and size scaled by baseline"));
  }

  private static Analysis.VariantSummary find(Analysis.Group g, String name) {
    return g.variants().stream().filter(v -> v.variant().equals(name)).findFirst().orElse(null);
  }

  private static String f(double x, int digits) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + digits + "f", x) : "–";
  }

  private static String pct(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.1f%%", 100 * x) : "–";
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.compress.prune.FineTunedPruning;
import dev.rlcompress.compress.Part;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sweep-prune",
    description = {
      "Sweep pruning ratios and methods; best ratio by the 90%-of-baseline rule.",
      "",
      "Sweep pruning ratios and methods, evaluating every cell in ONNX Runtime in one run (comparable",
      "latencies), and report the best ratio per method: the highest keeping at least 90% of the",
      "unpruned model's mean return (the study's rule)."
    },
    mixinStandardHelpOptions = true)
final class SweepPruneCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx")
  Path model;

  @Option(names = "--methods", defaultValue = "l1,l2", split = ",", description = "Comma-separated methods (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--ratios", defaultValue = "0.05:0.70:0.05", description = "from:to:step (default: ${DEFAULT-VALUE}).")
  String ratios;

  @Option(names = "--episodes", defaultValue = "100", description = "Evaluation episodes per cell (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--keep", defaultValue = "0.9", description = "Return retention for the best ratio (default: ${DEFAULT-VALUE}).")
  double keep;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    double[] r = parseRatios(ratios);
    if (episodes <= 0) throw new UserError("--episodes must be positive");
    for (String m : methods) FineTunedPruning.Method.parse(m);
    PolicyModel fp32 = OnnxImporter.read(model).actionOnly();
    String env = fp32.provenance().envId();
    EvalOptions opt = new EvalOptions(episodes, EvalOptions.DEFAULT_SEED, true, 500, 100);
    Variants v = new Variants(opt, model, env);
    v.add("baseline", OnnxExporter.toProto(fp32));
    for (String method : methods)
      for (double ratio : r)
        v.add(String.format("%s %.2f", method, ratio),
            OnnxExporter.toProto(FineTunedPruning.pruneOnce(fp32, FineTunedPruning.Method.parse(method), ratio, Part.ALL, false, 0)));
    List<EvalReport> rows = v.measure();
    EvalReport base = rows.get(0);
    Map<String, Object> best = new LinkedHashMap<>();
    int k = 1;
    for (String method : methods) {
      double bestRatio = 0;
      EvalReport bestRow = base;
      for (double ratio : r) {
        EvalReport e = rows.get(k++);
        if (e.meanReturn() >= keep * base.meanReturn() && ratio > bestRatio) {
          bestRatio = ratio;
          bestRow = e;
        }
      }
      best.put(method, Map.of("ratio", bestRatio, "mean_return", bestRow.meanReturn(),
          "ci95", new double[] {bestRow.ci95Low(), bestRow.ci95High()}));
    }
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("cells", rows.stream().map(EvalReport::toJson).toList());
      o.put("best", best);
      System.out.println(ModelFormat.REPORT_GSON.toJson(o));
    } else {
      System.out.print(Table.reports(rows));
      System.out.println();
      best.forEach((m, b) -> {
        Map<?, ?> row = (Map<?, ?>) b;
        double[] ci = (double[]) row.get("ci95");
        System.out.printf("best %s ratio keeping >= %.0f%% of baseline return: %.2f (mean return %.1f, 95%% CI [%.1f, %.1f])%n",
            m, 100 * keep, (Double) row.get("ratio"), (Double) row.get("mean_return"), ci[0], ci[1]);
      });
    }
    return 0;
  }

  static double[] parseRatios(String s) {
    String[] p = s.split(":");
    try {
      if (p.length == 1) return new double[] {Double.parseDouble(p[0])};
      double from = Double.parseDouble(p[0]), to = Double.parseDouble(p[1]), step = Double.parseDouble(p[2]);
      if (step <= 0 || from < 0 || to >= 1 || from > to) throw new NumberFormatException();
      int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
      double[] r = new double[n];
      for (int i = 0; i < n; i++) r[i] = Math.round((from + i * step) * 1e6) / 1e6;
      return r;
    } catch (RuntimeException e) {
      throw new UserError("--ratios must be from:to:step with 0 <= from <= to < 1 and step > 0, got '" + s + "'");
    }
  }
}

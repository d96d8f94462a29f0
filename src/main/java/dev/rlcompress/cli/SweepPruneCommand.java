package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.PruningStudy;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sweep-prune",
    description = {
      "Sweep pruning ratios and methods; best ratio by the 90%%-of-baseline rule.",
      "",
      "Sweep pruning ratios and methods, evaluating every cell in ONNX Runtime in one run (comparable",
      "latencies), and report the best ratio per method: the highest keeping at least 90%% of the",
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

  @Mixin EpisodesOption episodes;

  @Option(names = "--keep", defaultValue = "0.9", description = "Return retention for the best ratio (default: ${DEFAULT-VALUE}).")
  double keep;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    PruningStudy.Sweep sweep = PruningStudy.sweep(model, methods, parseRatios(ratios), keep, episodes.options());
    if (json) {
      Map<String, Object> best = new LinkedHashMap<>();
      for (PruningStudy.Best b : sweep.best())
        best.put(b.method(), Map.of("ratio", b.ratio(), "mean_return", b.row().meanReturn(),
            "ci95", new double[] {b.row().ci95Low(), b.row().ci95High()}));
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("cells", sweep.cells().stream().map(EvalReport::toJson).toList());
      o.put("best", best);
      System.out.println(ModelFormat.REPORT_GSON.toJson(o));
    } else {
      System.out.print(Table.reports(sweep.cells()));
      System.out.println();
      for (PruningStudy.Best b : sweep.best())
        System.out.printf("best %s ratio keeping >= %.0f%% of baseline return: %.2f (mean return %.1f, 95%% CI [%.1f, %.1f])%n",
            b.method(), 100 * keep, b.ratio(), b.row().meanReturn(), b.row().ci95Low(), b.row().ci95High());
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

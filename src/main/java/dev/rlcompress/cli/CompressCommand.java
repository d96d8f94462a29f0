package dev.rlcompress.cli;

import dev.rlcompress.autocompress.AutoCompress;
import dev.rlcompress.autocompress.Objective;
import dev.rlcompress.autocompress.ParetoPlot;
import dev.rlcompress.autocompress.SearchOptions;
import dev.rlcompress.autocompress.SearchResult;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.util.Files2;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "compress",
    description = {
      "Find the smallest, fastest or most frugal variant that keeps the return (automatic compression).",
      "",
      "Searches per-layer precision (fp32, fp16, int8 per-channel/per-tensor, int4, binary), structured",
      "pruning ratios per layer group, unstructured sparsity on the java-sparse engine and, with",
      "--allow fine-tune, distillation fine-tuning. Cheap signals on the policy's own states (greedy",
      "agreement, output error against the action gap, estimated return loss) screen every candidate;",
      "episodes are spent only on those that pass, best objective first, each judged by a paired test",
      "on shared seeds against (1 - max-drop) x the original's return. Prints every decision, the",
      "Pareto front and the episodes spent; writes the chosen model and a plot of the front."
    },
    mixinStandardHelpOptions = true)
final class CompressCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "fp32 model written by rlc.")
  Path model;

  @Option(names = "--max-drop", required = true, description = "Largest return loss allowed, e.g. 5%% or 0.05.")
  String maxDrop;

  @Option(names = "--objective", required = true, description = "latency, size or energy.")
  String objective;

  @Option(names = "--budget-episodes", defaultValue = "1000", description = "Most episodes the search may run (default: ${DEFAULT-VALUE}).")
  int budget;

  @Option(names = "--allow", paramLabel = "fine-tune", description = "fine-tune: allow distillation fine-tuning (pruned bases, self-distillation).")
  List<String> allow = List.of();

  @Option(names = "--seed", defaultValue = "0", description = "Search seed in [0, 99]: episode seeds and fine-tuning (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--runtime", defaultValue = "any",
      description = "ort: every candidate on ONNX Runtime; any: unstructured-sparse candidates on java-sparse (default: ${DEFAULT-VALUE}).")
  String runtime;

  @Option(names = "--calibration-episodes", defaultValue = "20", description = "Episodes of the original whose states screen the candidates (default: ${DEFAULT-VALUE}).")
  int calibrationEpisodes;

  @Option(names = "--env", description = "Environment (default: the model's).")
  String env;

  @Option(names = "--plot", paramLabel = "PLOT.png", description = "Where to draw the Pareto plot (default: OUT with -pareto.png).")
  Path plot;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    double drop = parseDrop(maxDrop);
    Objective obj = Objective.parse(objective);
    boolean finetune = false;
    for (String a : allow) {
      if (!a.equals("fine-tune")) throw new UserError("unknown --allow '" + a + "'; known: fine-tune");
      finetune = true;
    }
    Path out = output.checkedAgainst(model);
    Path png = plot != null ? plot : Path.of(out.toString().replaceFirst("(\\.onnx)?$", "-pareto.png"));
    if (!png.getFileName().toString().endsWith(".png")) throw new UserError("--plot must name a .png file (got " + png + ")");
    Files2.checkOutput(png, model, false);
    PolicyModel fp32 = OnnxImporter.read(model);
    String envId = env != null ? env : fp32.provenance().envId();
    if (envId == null || envId.isEmpty()) throw new UserError(model + " names no environment; pass --env");
    SearchOptions o = new SearchOptions(envId, drop, obj, budget, finetune, seed, runtime, calibrationEpisodes);
    SearchResult r = AutoCompress.run(fp32, o, line -> System.err.println("rlc compress: " + line));
    Files2.writeAtomically(png, ParetoPlot.png(r));
    if (r.proto() != null) OnnxExporter.write(r.proto(), out);
    if (json) {
      var m = new java.util.LinkedHashMap<>(r.toJson());
      m.put("output", r.proto() == null ? null : out.toString());
      m.put("plot", png.toString());
      System.out.println(ModelFormat.REPORT_GSON.toJson(m));
    } else {
      print(r, out, png);
    }
    if (r.proto() == null)
      throw new UserError(String.format("no variant was shown to keep %.0f%% of the return within %d episodes; nothing written "
          + "(raise --budget-episodes or --max-drop%s)", 100 * (1 - drop), budget, finetune ? "" : ", or --allow fine-tune"));
    return 0;
  }

  /** "5%" or "0.05". */
  static double parseDrop(String s) {
    try {
      double v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
      if (!(v > 0 && v < 1)) throw new UserError("--max-drop must be between 0% and 100% (got " + s + ")");
      return v;
    } catch (NumberFormatException e) {
      throw new UserError("--max-drop must be a percentage like 5% or a fraction like 0.05 (got '" + s + "')");
    }
  }

  private static void print(SearchResult r, Path out, Path png) {
    SearchResult.Row base = r.baseline();
    System.out.printf("original: return %.1f over %d search episodes, %,d bytes, %s µs at batch 1; bar %.1f (max drop %.0f%%)%n",
        base.meanReturn(), base.returns().length, base.sizeBytes(), Table.num(base.latencyUsB1(), 1),
        r.bar(), 100 * r.options().maxDrop());
    System.out.println("rule: " + r.rule());
    SearchResult.Row c = r.chosenRow();
    if (c != null) {
      System.out.printf("wrote %s: %s%n  %,d bytes (%.2fx smaller than fp32), %s µs at batch 1 on %s%n", out, c.label(),
          r.proto().getSerializedSize(), (double) base.sizeBytes() / r.proto().getSerializedSize(), Table.num(c.latencyUsB1(), 1), c.runtime());
      System.out.println("decisions:");
      for (String d : r.explanation()) System.out.println("  - " + d);
    }
    System.out.println();
    System.out.println("| model | runtime | size (bytes) | latency b1 (µs) | " + r.options().objective().label
        + " | episodes | mean return | verdict | Pareto |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---|---|");
    for (SearchResult.Row row : r.table())
      System.out.printf("| %s | %s | %,d | %s | %.4g | %d | %.1f | %s | %s |%n", row.label(), row.runtime(), row.sizeBytes(),
          Table.num(row.latencyUsB1(), 1), row.objective(), row.returns().length, row.meanReturn(),
          row.decision() == null ? "baseline" : row.decision().verdict().label, row.pareto() ? "yes" : "");
    System.out.println();
    System.out.println("notes:");
    for (String n : r.notes()) System.out.println("  - " + n);
    SearchResult.Episodes e = r.episodes();
    System.out.printf("screen: %d candidates, %d passed; episodes spent: calibration %d + baseline %d + candidates %d = %d of %d%n",
        r.screened(), r.passed(), e.calibration(), e.baseline(), e.candidates(), e.total(), r.options().budgetEpisodes());
    System.out.println("plot: " + png);
  }
}

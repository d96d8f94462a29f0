package dev.rlcompress.cli;

import dev.rlcompress.compress.quantize.Calibration;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Profiler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "profile",
    description = {
      "ONNX Runtime's per-operator time for each model.",
      "",
      "Per-operator time of each model's forward pass from ONNX Runtime's profiler (mean µs per pass),",
      "on observations from the first model's own episodes, all models in one run."
    },
    mixinStandardHelpOptions = true)
final class ProfileCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL.onnx")
  List<Path> models;

  @Option(names = "--batch", defaultValue = "1", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--passes", defaultValue = "2000", description = "Profiled passes (default: ${DEFAULT-VALUE}).")
  int passes;

  @Override
  public Integer call() {
    PolicyModel first = OnnxImporter.read(models.get(0)).actionOnly();
    List<float[]> obs = Calibration.observations(first, first.provenance().envId(), 5, EvalOptions.DEFAULT_SEED, 5000);
    Map<Path, Map<String, Double>> results = new LinkedHashMap<>();
    for (Path m : models) {
      Profiler.perOp(m, obs, batch, Math.max(100, passes / 5)); // warm-up run
      results.put(m, Profiler.perOp(m, obs, batch, passes));
    }
    TreeSet<String> ops = new TreeSet<>();
    results.values().forEach(r -> r.keySet().stream().filter(k -> !k.startsWith("total")).forEach(ops::add));
    StringBuilder sb = new StringBuilder("| operator (µs per pass, batch " + batch + ") |");
    for (Path m : models) sb.append(' ').append(m.getFileName()).append(" |");
    sb.append("\n|---|").append("---:|".repeat(models.size())).append('\n');
    List<String> rows = new java.util.ArrayList<>(ops);
    rows.add("total (kernels)");
    rows.add("total (session run)");
    for (String op : rows) {
      sb.append("| ").append(op).append(" |");
      for (Path m : models) {
        Double v = results.get(m).get(op);
        sb.append(v == null ? " - |" : String.format(" %.2f |", v));
      }
      sb.append('\n');
    }
    System.out.print(sb);
    return 0;
  }
}

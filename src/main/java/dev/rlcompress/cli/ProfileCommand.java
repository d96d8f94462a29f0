package dev.rlcompress.cli;

import dev.rlcompress.eval.OperatorProfile;
import java.nio.file.Path;
import java.util.List;
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
    OperatorProfile p = OperatorProfile.measure(models, batch, passes);
    StringBuilder sb = new StringBuilder("| operator (µs per pass, batch " + batch + ") |");
    for (Path m : p.models()) sb.append(' ').append(m.getFileName()).append(" |");
    sb.append("\n|---|").append("---:|".repeat(p.models().size())).append('\n');
    for (String op : p.operators()) {
      sb.append("| ").append(op).append(" |");
      for (Path m : p.models()) {
        Double v = p.micros().get(m).get(op);
        sb.append(v == null ? " - |" : String.format(" %.2f |", v));
      }
      sb.append('\n');
    }
    System.out.print(sb);
    return 0;
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.PruningStudy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench-sparse",
    description = {
      "Dense vs sparse storage and execution (ORT and the Java CSR engine) by sparsity.",
      "",
      "Benchmark unstructured sparsity: at each sparsity, the same pruned model stored dense and sparse",
      "in ONNX Runtime, and in the Java CSR engine; batch-1 and batch-100 latency and size, all in one",
      "run so the ratios compare. Shows from which sparsity the sparse path beats dense."
    },
    mixinStandardHelpOptions = true)
final class BenchSparseCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx")
  Path model;

  @Option(names = "--sparsities", defaultValue = "0,0.5,0.75,0.9,0.95,0.99", split = ",",
      description = "Sparsities to measure (default: ${DEFAULT-VALUE}).")
  List<Double> sparsities;

  @Option(names = "--episodes", defaultValue = "20", description = "Episodes per row, for the return column (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Override
  public Integer call() {
    double[] s = sparsities.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.print(Table.reports(PruningStudy.sparseStorage(model, s, EvalOptions.defaults(episodes))));
    return 0;
  }
}

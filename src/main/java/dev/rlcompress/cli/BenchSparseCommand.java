package dev.rlcompress.cli;

import dev.rlcompress.compress.Part;
import dev.rlcompress.compress.prune.UnstructuredPruner;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.SparseStorage;
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
  public Integer call() throws Exception {
    PolicyModel fp32 = OnnxImporter.read(model).actionOnly();
    String env = fp32.provenance().envId();
    EvalOptions opt = new EvalOptions(episodes, EvalOptions.DEFAULT_SEED, true, 500, 100);
    Variants v = new Variants(opt, model, env);
    for (double s : sparsities) {
      PolicyModel p = UnstructuredPruner.prune(fp32, s, Part.ALL, false);
      String tag = String.format("%.0f%%", 100 * s);
      v.add(tag + " dense, ort", OnnxExporter.toProto(p));
      var sparse = SparseStorage.toSparse(OnnxExporter.toProto(p), 0.0);
      v.add(tag + " sparse file, ort", sparse);
      v.add(tag + " sparse file, java-sparse", sparse, "java-sparse");
    }
    List<EvalReport> rows = v.measure();
    System.out.print(Table.reports(rows));
    return 0;
  }
}

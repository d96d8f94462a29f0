package dev.rlcompress.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The variants of one comparison table: each is exported to a file; {@link #measure()} evaluates them
 * all with the one evaluator, latency interleaved across variants so the table's ratios are fair.
 */
final class Variants {
  private final Path dir;
  private final EvalOptions options;
  private final Path reference;
  private final String envId;
  private final List<String> labels = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private final List<String> runtimes = new ArrayList<>();

  Variants(EvalOptions options, Path reference, String envId) throws Exception {
    this.dir = Files.createTempDirectory("rlc-variants");
    this.options = options;
    this.reference = reference;
    this.envId = envId;
  }

  void add(String label, ModelProto proto, String runtime) throws Exception {
    Path file = dir.resolve(files.size() + "-" + label.replaceAll("[^A-Za-z0-9._-]", "_") + ".onnx");
    OnnxExporter.write(proto, file);
    labels.add(label);
    files.add(file);
    runtimes.add(runtime);
  }

  void add(String label, ModelProto proto) throws Exception {
    add(label, proto, "ort");
  }

  List<EvalReport> measure() throws Exception {
    List<Policy> open = new ArrayList<>();
    try (Policy ref = Policy.load(reference, "ort")) {
      for (int i = 0; i < files.size(); i++) open.add(Policy.load(files.get(i), runtimes.get(i)));
      return Evaluator.evaluateAll(open, labels, envId, options, ref);
    } finally {
      for (Policy p : open) p.close();
      for (Path f : files) Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
  }
}

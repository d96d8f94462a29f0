package dev.rlcompress.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.Policy;
import java.nio.file.Files;
import java.nio.file.Path;

/** Exports a variant to a file and measures it with the one evaluator, under a label. */
final class Variants {
  private final Path dir;
  private final EvalOptions options;
  private final Policy reference;

  Variants(Path dir, EvalOptions options, Policy reference) {
    this.dir = dir;
    this.options = options;
    this.reference = reference;
  }

  EvalReport measure(String label, ModelProto proto, String envId, String runtime) throws Exception {
    Path file = dir.resolve(label.replaceAll("[^A-Za-z0-9._-]", "_") + ".onnx");
    OnnxExporter.write(proto, file);
    try (Policy p = Policy.load(file, runtime)) {
      return Evaluator.evaluate(p, envId, options, reference).withModel(label);
    }
  }

  static Path tempDir() throws Exception {
    Path d = Files.createTempDirectory("rlc-variants");
    d.toFile().deleteOnExit();
    return d;
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.util.Files2;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -o/--output} and {@code --force}, shared by the commands that write a model. */
final class OutputOptions {
  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.onnx", description = "Where to write the new model.")
  Path out;

  @Option(names = "--force", description = "Allow -o to name the input model (replaced only once the new file is complete).")
  boolean force;

  /** Fails before any work when the output cannot be written or would replace {@code input} without --force. */
  Path checkedAgainst(Path input) {
    Files2.checkOutput(out, input, force);
    return out;
  }
}

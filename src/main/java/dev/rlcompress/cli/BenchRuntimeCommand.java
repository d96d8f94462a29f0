package dev.rlcompress.cli;

import dev.rlcompress.eval.RuntimeBenchReport;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.util.Files2;
import dev.rlcompress.util.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-runtime",
    description = {
      "The Java runtime (rlc-runtime) vs ONNX Runtime Java on policies and their compressed variants.",
      "",
      "Opens each model and its variants (fp16, ptdq, ptsq, int4, binary, 50%% structured, 90%% unstructured",
      "stored sparse) in both engines and times all of them in the same interleaved rounds at batch 1 and",
      "batch 100; measures the dense/sparse crossover of one layer, the FMA peak, the module jar and the",
      "start-up of a fresh JVM. Writes Markdown (default docs/results/runtime.md) and prints it."
    },
    mixinStandardHelpOptions = true)
final class BenchRuntimeCommand implements Callable<Integer> {
  @Option(names = "--models", split = ",", paramLabel = "MODEL.onnx",
      defaultValue = "docs/results/models/dqn-lunarlander-v3.onnx,docs/results/models/ppo-lunarlander-v3.onnx",
      description = "Policies to measure (default: the committed DQN and PPO).")
  List<Path> models;

  @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = {"-o", "--out"}, defaultValue = "docs/results/runtime.md", description = "Markdown output (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || rounds > 20) throw new UserError("--rounds must be in 1..20: " + rounds);
    Path parent = out.toAbsolutePath().getParent();
    if (Files.isDirectory(out)) throw new UserError("--out " + out + " is a directory");
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent))
      throw new UserError("--out " + out + ": " + parent + " is not a writable directory");
    List<PolicyModel> loaded = new ArrayList<>();
    for (Path model : models) loaded.add(OnnxImporter.read(model)); // every file checked before a minute of measuring
    String md = RuntimeBenchReport.markdown(models, loaded, rounds, Path.of(System.getProperty("rlc.home", ".")));
    Files2.writeAtomically(out, md.getBytes(StandardCharsets.UTF_8));
    System.out.print(md);
    return 0;
  }
}

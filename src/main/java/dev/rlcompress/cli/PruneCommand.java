package dev.rlcompress.cli;

import dev.rlcompress.compress.Part;
import dev.rlcompress.compress.distill.Distillation;
import dev.rlcompress.compress.prune.DependencyGraph;
import dev.rlcompress.compress.prune.FineTunedPruning;
import dev.rlcompress.compress.prune.Importance;
import dev.rlcompress.compress.prune.StructuredPruner;
import dev.rlcompress.compress.prune.UnstructuredPruner;
import dev.rlcompress.compress.quantize.Calibration;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "prune",
    description = {
      "Prune a model: unstructured L1, or structured (neurons removed) by L1/L2/group/random.",
      "",
      "Prune an fp32 model and write a new ONNX file.",
      "Methods:",
      "  l1-unstructured   zero the smallest |w| (per layer, or --global); store dense or --sparse",
      "  l1, l2, group     structured: remove whole neurons/channels, ranked by group L1 / L2 /",
      "                    per-layer-normalized L2 over a dependency graph; the model gets smaller",
      "  random            structured, random units (a control)",
      "--finetune-steps distills from the unpruned policy on its own states afterwards;",
      "--iterations K prunes in K steps with fine-tuning after each."
    },
    mixinStandardHelpOptions = true)
final class PruneCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "fp32 model written by rlc.")
  Path model;

  @Option(names = "--method", required = true, description = "l1-unstructured, l1, l2, group or random.")
  String method;

  @Option(names = "--ratio", required = true, description = "Fraction to remove, in [0, 1).")
  double ratio;

  @Option(names = "--part", defaultValue = "all", description = "features, head or all (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(names = "--global", description = "l1-unstructured: one magnitude threshold across layers.")
  boolean global;

  @Option(names = "--sparse", description = "l1-unstructured: store weights as ONNX sparse initializers.")
  boolean sparse;

  @Option(names = "--finetune-steps", defaultValue = "0", description = "Distillation fine-tuning steps (default: ${DEFAULT-VALUE}).")
  int finetuneSteps;

  @Option(names = "--iterations", defaultValue = "1", description = "Prune in this many steps, fine-tuning after each (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--calibration-episodes", defaultValue = "20", description = "Episodes of the unpruned policy whose states drive fine-tuning (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--distill-temperature", description = "Fine-tune with KL to softmax(teacher/T) (0.01 for DQN, Rusu et al. 2016) instead of MSE on Q-values.")
  Double distillTemperature;

  @Option(names = "--sparse-train-steps", defaultValue = "0",
      description = "Structured: group-norm sparse training steps before pruning (the study's γ-weighted group L2; default: ${DEFAULT-VALUE}).")
  int sparseTrainSteps;

  @Option(names = "--sparse-lambda", defaultValue = "1e-3", description = "Sparse-training penalty weight (default: ${DEFAULT-VALUE}).")
  double sparseLambda;

  @Option(names = "--sparse-alpha", defaultValue = "4", description = "Sparse-training γ exponent α (default: ${DEFAULT-VALUE}).")
  double sparseAlpha;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for random importance and fine-tuning.")
  long seed;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.onnx")
  Path out;

  @Override
  public Integer call() throws Exception {
    FineTunedPruning.Method m = FineTunedPruning.Method.parse(method);
    Part p = Part.parse(part);
    if (ratio < 0 || ratio >= 1) throw new UserError("--ratio must be in [0, 1), got " + ratio);
    if (finetuneSteps < 0 || iterations < 1) throw new UserError("--finetune-steps must be >= 0 and --iterations >= 1");
    if (sparse && !m.unstructured()) throw new UserError("--sparse applies to l1-unstructured pruning");
    PolicyModel fp32 = OnnxImporter.read(model).actionOnly();
    if (fp32.provenance().compression().stream().anyMatch(c -> c.startsWith("quantize:")))
      throw new UserError(model + " is quantized (" + fp32.provenance().compression() + "); prune fp32 weights, then quantize");
    PolicyModel pruned;
    if (sparseTrainSteps < 0) throw new UserError("--sparse-train-steps must not be negative");
    if (sparseTrainSteps > 0 && (m.unstructured() || p != Part.ALL || iterations > 1))
      throw new UserError("--sparse-train-steps applies to one-shot structured pruning of the whole network");
    if (sparseTrainSteps > 0) {
      List<float[]> states = Calibration.observations(fp32, fp32.provenance().envId(), episodes, Calibration.DEFAULT_SEED, 20_000);
      pruned = FineTunedPruning.sparseTrainThenPrune(fp32, Importance.parse(method), ratio, states, sparseTrainSteps,
          sparseLambda, sparseAlpha, finetuneSteps, seed,
          new Distillation.Loss(distillTemperature == null ? Double.NaN : distillTemperature));
    } else if (!m.unstructured() && p != Part.ALL) {
      Set<String> inPart = p.select(fp32).stream().map(PolicyModel.NamedLayer::name).collect(Collectors.toSet());
      Map<String, Double> perLayer = new HashMap<>();
      for (DependencyGraph.Group g : DependencyGraph.groups(fp32)) {
        String name = g.producer().name(fp32);
        perLayer.put(name, inPart.contains(name) ? ratio : 0.0);
      }
      pruned = StructuredPruner.apply(fp32, StructuredPruner.plan(fp32, Importance.parse(method), ratio, perLayer, seed));
      pruned = pruned.withProvenance(fp32.provenance().withCompression(
          String.format("prune:structured:%s:%.2f:part=%s", method, ratio, p.label())));
    } else if (iterations > 1 || finetuneSteps > 0) {
      List<float[]> states = Calibration.observations(fp32, fp32.provenance().envId(), episodes, Calibration.DEFAULT_SEED, 20_000);
      pruned = FineTunedPruning.iterative(fp32, m, ratio, p, global, iterations, finetuneSteps, states, seed,
          new Distillation.Loss(distillTemperature == null ? Double.NaN : distillTemperature));
    } else {
      pruned = FineTunedPruning.pruneOnce(fp32, m, ratio, p, global, seed);
    }
    var proto = OnnxExporter.toProto(pruned);
    if (sparse) proto = SparseStorage.toSparse(proto, 0.0);
    OnnxExporter.write(proto, out);
    System.out.printf("wrote %s: %,d parameters (was %,d), weight sparsity %.1f%%, %,d bytes (was %,d)%n", out,
        pruned.parameterCount(), fp32.parameterCount(), 100 * UnstructuredPruner.sparsity(pruned), Files.size(out), Files.size(model));
    System.out.println("step: " + pruned.provenance().compression().getLast());
    return 0;
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.prune.Pruning;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.ModelStats;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--ratio", description = "Fraction to remove, in [0, 1).")
  Double ratio;

  @Option(names = "--layer-ratios", paramLabel = "LAYER=R[,LAYER=R...]", split = ",",
      description = {"Structured: its own fraction per layer instead of --ratio, e.g. pi.0=0.3,pi.2=0.1 (the first and",
          "second fully connected layers of a pixel policy's head) or trunk.4=0.05 (its third convolution's",
          "channels); layers not named keep every unit. An unknown layer is refused with the list of layers."})
  java.util.Map<String, Double> layerRatios;

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

  @Mixin DistillOptions distill;

  @Option(names = "--sparse-train-steps", defaultValue = "0",
      description = "Structured: group-norm sparse training steps before pruning (the study's γ-weighted group L2; default: ${DEFAULT-VALUE}).")
  int sparseTrainSteps;

  @Option(names = "--sparse-lambda", defaultValue = "1e-3", description = "Sparse-training penalty weight (default: ${DEFAULT-VALUE}).")
  double sparseLambda;

  @Option(names = "--sparse-alpha", defaultValue = "4", description = "Sparse-training γ exponent α (default: ${DEFAULT-VALUE}).")
  double sparseAlpha;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for random importance and fine-tuning.")
  long seed;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Part p = Part.parse(part);
    PruneMethod m = PruneMethod.parse(method, p, global, seed);
    if (sparse && !(m instanceof PruneMethod.Unstructured)) throw new UserError("--sparse applies to l1-unstructured pruning");
    Path out = output.checkedAgainst(model);
    long inputBytes = model.toFile().length();
    PolicyModel fp32 = OnnxImporter.read(model);
    PolicyModel pruned = Pruning.prune(fp32, options(m, p), Calibration.Episodes.of(fp32.provenance().envId(), episodes, 20_000, fp32));
    var proto = OnnxExporter.toProto(pruned);
    if (sparse) proto = SparseStorage.toSparse(proto, 0.0);
    OnnxExporter.write(proto, out);
    ModelStats before = ModelStats.of(OnnxExporter.toProto(fp32.actionOnly()), inputBytes), after = ModelStats.of(proto, out.toFile().length());
    System.out.printf("wrote %s: %,d parameters (was %,d), sparsity %.1f%% (zeros among weights and biases, as eval counts), %,d bytes (was %,d)%n",
        out, after.params(), before.params(), 100 * after.sparsity(), after.sizeBytes(), inputBytes);
    System.out.println("step: " + pruned.provenance().compression().getLast().describe());
    return 0;
  }

  /** A layer named as the model's tensors are: {@code trunk.4}, {@code pi.0}. */
  private static dev.rlcompress.model.LayerId layerId(String text) {
    int dot = text.lastIndexOf('.');
    try {
      if (dot > 0) return new dev.rlcompress.model.LayerId(text.substring(0, dot).trim(), Integer.parseInt(text.substring(dot + 1).trim()));
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new UserError("--layer-ratios: '" + text + "' is not a layer name like trunk.4 or pi.0");
  }

  /** The pipeline record the flags describe; combinations the pipelines do not have are refused. */
  private Pruning.Options options(PruneMethod m, Part p) {
    Distiller.Config ft = Distiller.Config.of(finetuneSteps, 1e-4).withTemperature(distill.value()).withSeed(seed);
    if ((ratio == null) == (layerRatios == null)) throw new UserError("give either --ratio or --layer-ratios");
    if (layerRatios != null) {
      if (!(m instanceof PruneMethod.Structured st) || iterations > 1 || sparseTrainSteps > 0 || p != Part.ALL)
        throw new UserError("--layer-ratios applies to one-shot structured pruning (l1, l2, group, random) without --part");
      java.util.Map<dev.rlcompress.model.LayerId, Double> ratios = new java.util.LinkedHashMap<>();
      layerRatios.forEach((layer, r) -> ratios.put(layerId(layer), r));
      return new Pruning.Options.PerGroup(st.importance(), ratios, ft);
    }
    if (sparseTrainSteps < 0) throw new UserError("--sparse-train-steps must not be negative");
    if (sparseTrainSteps > 0) {
      if (!(m instanceof PruneMethod.Structured st) || p != Part.ALL || iterations > 1)
        throw new UserError("--sparse-train-steps applies to one-shot structured pruning of the whole network");
      return new Pruning.Options.SparseTrained(st.importance(), ratio, new Pruning.SparseTraining(sparseTrainSteps, sparseLambda, sparseAlpha), ft);
    }
    if (iterations < 1) throw new UserError("--iterations must be at least 1");
    if (iterations > 1 || finetuneSteps > 0) return new Pruning.Options.FineTuned(m, ratio, iterations, ft);
    return new Pruning.Options.OneShot(m, ratio);
  }
}

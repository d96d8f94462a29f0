package dev.rlcompress.cli;

import dev.rlcompress.compress.Part;
import dev.rlcompress.compress.distill.Distillation;
import dev.rlcompress.compress.prune.FineTunedPruning;
import dev.rlcompress.compress.quantize.Calibration;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.train.Algorithms;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "prune-compare",
    description = {
      "One sparsity: one-shot vs fine-tuned vs iterative vs lottery ticket vs its control.",
      "",
      "At one unstructured sparsity, compare: one-shot pruning; one-shot + fine-tuning; iterative",
      "pruning with fine-tuning; and the lottery ticket (surviving weights rewound to their values at",
      "initialisation, rebuilt from the model's provenance, then retrained with the same budget) against",
      "its control (same mask and retraining from random initial weights).",
      "Fine-tuning and retraining distill from the unpruned policy on its own states."
    },
    mixinStandardHelpOptions = true)
final class LotteryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx")
  Path model;

  @Option(names = "--ratio", defaultValue = "0.9", description = "Unstructured sparsity (default: ${DEFAULT-VALUE}).")
  double ratio;

  @Option(names = "--method", defaultValue = "l1-unstructured", description = "Pruning method for the one-shot/iterative rows (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--steps", defaultValue = "3000", description = "Fine-tuning budget in gradient steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--iterations", defaultValue = "5", description = "Iterative pruning steps (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--distill-temperature", description = "Fine-tune with KL to softmax(teacher/T) (0.01 for DQN) instead of MSE on Q-values.")
  Double distillTemperature;

  @Option(names = "--episodes", defaultValue = "100", description = "Evaluation episodes per row (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Override
  public Integer call() throws Exception {
    if (ratio <= 0 || ratio >= 1) throw new UserError("--ratio must be in (0, 1)");
    FineTunedPruning.Method m = FineTunedPruning.Method.parse(method);
    PolicyModel fp32 = OnnxImporter.read(model).actionOnly();
    String env = fp32.provenance().envId();
    List<float[]> states = Calibration.observations(fp32, env, 20, Calibration.DEFAULT_SEED, 20_000);
    EvalOptions opt = new EvalOptions(episodes, EvalOptions.DEFAULT_SEED, true, 500, 100);
    Distillation.Loss loss = new Distillation.Loss(distillTemperature == null ? Double.NaN : distillTemperature);
    Variants v = new Variants(opt, model, env);
    v.add("baseline", OnnxExporter.toProto(fp32));
    PolicyModel oneShot = FineTunedPruning.pruneOnce(fp32, m, ratio, Part.ALL, false, 0);
    v.add("one-shot", OnnxExporter.toProto(oneShot));
    float[][] masks = m.unstructured() ? Distillation.nonzeroMasks(oneShot) : null;
    v.add("one-shot + fine-tune", OnnxExporter.toProto(
        Distillation.finetune(oneShot, fp32, states, Distillation.NONE, masks, steps, 1e-4, 1, loss)));
    v.add("iterative (" + iterations + "x) + fine-tune", OnnxExporter.toProto(
        FineTunedPruning.iterative(fp32, m, ratio, Part.ALL, false, iterations, steps / iterations, states, 1, loss)));
    if (m.unstructured()) {
      v.add("lottery ticket (rewind + retrain)", OnnxExporter.toProto(
          FineTunedPruning.lotteryTicket(fp32, Algorithms.initialPolicy(fp32.provenance()), oneShot, states, steps, 1, loss)));
      // The control that decides the hypothesis: same mask, same retraining, random initial weights.
      var p = fp32.provenance();
      var other = new dev.rlcompress.model.Provenance(p.algorithm(), p.envId(), p.seed() + 7919, p.hyperparameters(), p.trainSteps(), p.compression());
      v.add("random re-init + retrain (control)", OnnxExporter.toProto(
          FineTunedPruning.lotteryTicket(fp32, Algorithms.initialPolicy(other), oneShot, states, steps, 1, loss)));
    }
    List<EvalReport> rows = v.measure();
    System.out.print(Table.reports(rows));
    return 0;
  }
}

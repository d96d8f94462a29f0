package dev.rlcompress.cli;

import dev.rlcompress.eval.PruningStudy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin DistillOptions distill;

  @Mixin EpisodesOption episodes;

  @Override
  public Integer call() {
    var rows = PruningStudy.compare(model,
        new PruningStudy.CompareOptions(method, ratio, steps, iterations, distill.value(), episodes.options()));
    System.out.print(Table.reports(rows));
    return 0;
  }
}

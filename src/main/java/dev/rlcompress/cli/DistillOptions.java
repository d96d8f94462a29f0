package dev.rlcompress.cli;

import picocli.CommandLine.Option;

/** {@code --distill-temperature}, shared by the commands that fine-tune by distillation. */
final class DistillOptions {
  @Option(names = "--distill-temperature", paramLabel = "T",
      description = "Fine-tune with KL to softmax(teacher/T) (Rusu et al. 2016; 0.01 for DQN) instead of MSE on Q-values; outputs become action scores.")
  Double temperature;

  /** NaN when not given: the plain distillation loss. */
  double value() {
    return temperature == null ? Double.NaN : temperature;
  }
}

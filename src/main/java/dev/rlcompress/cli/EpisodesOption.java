package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalOptions;
import picocli.CommandLine.Option;

/** {@code --episodes} of evaluation (100 by default), shared by the commands that print a comparison table. */
final class EpisodesOption {
  @Option(names = "--episodes", defaultValue = "100", description = "Evaluation episodes per model or row (default: ${DEFAULT-VALUE}).")
  int episodes;

  /** The measurement protocol with these episodes from the evaluation seed (checks episodes >= 1). */
  EvalOptions options() {
    return EvalOptions.defaults(episodes);
  }
}

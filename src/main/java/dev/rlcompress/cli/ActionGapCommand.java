package dev.rlcompress.cli;

import dev.rlcompress.eval.ActionGaps;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "action-gap",
    description = {
      "Explain greedy-action flips: the reference's action gaps against each variant's error.",
      "",
      "Why a compressed discrete policy changes its greedy actions: on the reference's own states,",
      "compare the reference's action gap (best minus runner-up output) with each variant's output",
      "error. A state flips when the error across the two leading actions exceeds the gap."
    },
    mixinStandardHelpOptions = true)
final class ActionGapCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REFERENCE.onnx")
  Path reference;

  @Parameters(index = "1..*", paramLabel = "VARIANT.onnx", arity = "0..*")
  List<Path> variants = List.of();

  @Option(names = "--episodes", defaultValue = "20", description = "Reference episodes whose states are used (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Override
  public Integer call() {
    ActionGaps.Report r = ActionGaps.analyze(reference, variants, episodes);
    System.out.printf("%d states of %s: |output| median %.3g; action gap p10 %.3g, median %.3g, p90 %.3g (median gap/|output| %.2g)%n",
        r.states(), r.reference(), r.medianMagnitude(), r.gapP10(), r.gapMedian(), r.gapP90(), r.gapMedian() / r.medianMagnitude());
    System.out.println("| variant | output error RMS | error p90 | states with gap < error p90 | greedy agreement |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (ActionGaps.Row v : r.variants())
      System.out.printf("| %s | %.3g | %.3g | %.1f%% | %.1f%% |%n", v.variant(), v.errorRms(), v.errorP90(),
          100 * v.belowError(), 100 * v.agreement());
    return 0;
  }
}

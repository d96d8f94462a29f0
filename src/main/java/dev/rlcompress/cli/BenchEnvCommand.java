package dev.rlcompress.cli;

import dev.rlcompress.env.gym.GymBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench-env",
    description = {
      "Environment steps/s and CPU per step through the Gymnasium bridge vs Gymnasium itself.",
      "",
      "For each id and copy count: Gymnasium's SyncVectorEnv in Python; the worker's own env code in one",
      "Python process without pipes; the bridge with one worker and with --workers workers. Random actions",
      "and auto-reset everywhere. The measurements take turns for --rounds rounds and the median is shown,",
      "so that load from other processes falls on all columns alike. The ALE ids are compared with",
      "Gymnasium's AtariPreprocessing + FrameStackObservation."
    },
    mixinStandardHelpOptions = true)
final class BenchEnvCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", arity = "1..*", description = "Gymnasium-hosted ids, e.g. gym:CartPole-v1 ALE/Pong-v5.")
  List<String> ids;

  @Option(names = "--envs", defaultValue = "1,8", split = ",", description = "Copy counts (default: ${DEFAULT-VALUE}).")
  List<Integer> counts;

  @Option(names = "--workers", defaultValue = "2", description = "Workers for the parallel column (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--seconds", defaultValue = "2", description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--rounds", defaultValue = "3", description = "Turns per measurement; the median is shown (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() {
    System.out.print(GymBenchmark.table(new GymBenchmark.Plan(ids, counts, workers, seconds, rounds)));
    return 0;
  }
}

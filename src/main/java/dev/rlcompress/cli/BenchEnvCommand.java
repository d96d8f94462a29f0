package dev.rlcompress.cli;

import dev.rlcompress.env.gym.GymBenchmark;
import dev.rlcompress.env.gym.GymBenchmark.Baseline;
import dev.rlcompress.env.gym.GymBenchmark.Rate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
    System.out.println("| env | copies | stepped by | env steps/s | vs Gymnasium | CPU µs per env step | vs Gymnasium |");
    System.out.println("|---|---:|---|---:|---:|---:|---:|");
    for (String id : ids) {
      for (int n : counts) {
        int w = Math.min(n, workers);
        List<String> names = new java.util.ArrayList<>(List.of("Gymnasium", "worker code, no pipes", "bridge, 1 worker"));
        List<Supplier<Rate>> runs = new java.util.ArrayList<>(List.of(
            () -> GymBenchmark.python(id, n, seconds, Baseline.GYMNASIUM),
            () -> GymBenchmark.python(id, n, seconds, Baseline.WORKER),
            () -> GymBenchmark.bridge(id, n, 1, seconds)));
        if (w > 1) {
          names.add("bridge, " + w + " workers");
          runs.add(() -> GymBenchmark.bridge(id, n, w, seconds));
        }
        double[][] rate = new double[runs.size()][rounds], cpu = new double[runs.size()][rounds];
        for (int r = 0; r < rounds; r++) {
          for (int c = 0; c < runs.size(); c++) {
            Rate x = runs.get(c).get();
            rate[c][r] = x.stepsPerSecond();
            cpu[c][r] = x.cpuMicrosPerStep();
          }
        }
        double base = median(rate[0]), baseCpu = median(cpu[0]);
        for (int c = 0; c < runs.size(); c++) {
          double m = median(rate[c]), u = median(cpu[c]);
          // CPU ratio as a rate: Gymnasium's CPU per step over this one's (above 100%: cheaper than Gymnasium)
          System.out.printf("| %s | %d | %s | %,.0f | %.0f%% | %.1f | %.0f%% |%n", id, n, names.get(c), m, 100 * m / base, u, 100 * baseCpu / u);
        }
      }
    }
    return 0;
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}

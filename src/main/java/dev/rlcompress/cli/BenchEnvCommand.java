package dev.rlcompress.cli;

import dev.rlcompress.env.gym.GymBenchmark;
import dev.rlcompress.env.gym.GymBenchmark.Baseline;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench-env",
    description = {
      "Environment steps/s through the Gymnasium bridge vs Gymnasium itself.",
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
    System.out.printf("| env | copies | Gymnasium | worker code, no pipes | bridge, 1 worker | ratio | bridge, %d workers | ratio |%n", workers);
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String id : ids) {
      for (int n : counts) {
        int w = Math.min(n, workers);
        List<DoubleSupplier> columns = List.of(
            () -> GymBenchmark.python(id, n, seconds, Baseline.GYMNASIUM),
            () -> GymBenchmark.python(id, n, seconds, Baseline.WORKER),
            () -> GymBenchmark.bridge(id, n, 1, seconds),
            () -> w > 1 ? GymBenchmark.bridge(id, n, w, seconds) : Double.NaN);
        double[][] runs = new double[columns.size()][rounds];
        for (int r = 0; r < rounds; r++)
          for (int c = 0; c < columns.size(); c++) runs[c][r] = columns.get(c).getAsDouble();
        double py = median(runs[0]), direct = median(runs[1]), one = median(runs[2]), many = median(runs[3]);
        System.out.printf("| %s | %d | %,.0f | %,.0f | %,.0f | %.0f%% | %s | %s |%n", id, n, py, direct, one, 100 * one / py,
            Double.isNaN(many) ? "-" : String.format("%,.0f", many), Double.isNaN(many) ? "-" : String.format("%.0f%%", 100 * many / py));
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

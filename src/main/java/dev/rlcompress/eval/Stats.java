package dev.rlcompress.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Summary statistics for episode returns. */
public final class Stats {
  private Stats() {}

  public static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return x.length == 0 ? Double.NaN : s / x.length;
  }

  /** Population standard deviation (numpy's default, as RL Zoo reports it). */
  public static double std(double[] x) {
    double m = mean(x), s = 0;
    for (double v : x) s += (v - m) * (v - m);
    return x.length == 0 ? Double.NaN : Math.sqrt(s / x.length);
  }

  /**
   * Percentile bootstrap 95% interval of the mean (10,000 resamples, fixed seed so a report is
   * reproducible). Returns {low, high}.
   */
  public static double[] bootstrapCi95(double[] x) {
    if (x.length == 0) return new double[] {Double.NaN, Double.NaN};
    int b = 10_000;
    double[] means = new double[b];
    SplittableRandom rng = new SplittableRandom(12345);
    for (int i = 0; i < b; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) s += x[rng.nextInt(x.length)];
      means[i] = s / x.length;
    }
    Arrays.sort(means);
    return new double[] {means[(int) (0.025 * b)], means[(int) (0.975 * b) - 1]};
  }
}

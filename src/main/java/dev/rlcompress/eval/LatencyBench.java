package dev.rlcompress.eval;

import dev.rlcompress.runtime.Policy;
import java.util.Arrays;
import java.util.List;

/**
 * Latency of several models measured together: each round times every model (batch 1 and batch B) on
 * the same stored observation set, the order rotating from round to round, and each model reports its
 * median over rounds. On a shared 2-core machine this cancels warm-up order and transient load, so
 * ratios within one run can be trusted.
 */
public final class LatencyBench {
  private LatencyBench() {}

  /** {b1 µs, bB ms} per policy, medians over {@code rounds}. */
  public static double[][] measure(List<? extends Policy> policies, List<float[]> observations, int rounds, int passes, int batch) {
    return measureRounds(policies, observations, rounds, passes, batch).medians();
  }

  /**
   * Every round's figures: {@code b1[policy][round]} µs and {@code batch[policy][round]} ms. Rounds pair
   * the policies in time, so comparing two policies round by round (a sign test) tells a real difference
   * from the load's.
   */
  public record Rounds(double[][] b1, double[][] batch) {
    /** {b1 µs, bB ms} per policy, medians over the rounds. */
    public double[][] medians() {
      double[][] out = new double[b1.length][];
      for (int i = 0; i < b1.length; i++) out[i] = new double[] {median(b1[i]), median(batch[i])};
      return out;
    }
  }

  /** As {@link #measure}, keeping every round. */
  public static Rounds measureRounds(List<? extends Policy> policies, List<float[]> observations, int rounds, int passes, int batch) {
    int n = policies.size();
    double[][] b1 = new double[n][rounds], bb = new double[n][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < n; k++) {
        int i = (k + r) % n;
        b1[i][r] = Latency.batch1Micros(policies.get(i), observations, 2000);
        bb[i][r] = Latency.batchMillis(policies.get(i), observations, batch, passes);
      }
    }
    return new Rounds(b1, bb);
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }
}

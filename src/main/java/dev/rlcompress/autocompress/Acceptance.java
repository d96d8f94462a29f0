package dev.rlcompress.autocompress;

import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/**
 * The statistical acceptance rule: a paired test on shared seeds. Episode k of a candidate starts from
 * the same seed as the baseline's episode k, and the statistic is
 * mean(candidate) − bar(mean(baseline)), where the bar is (1 − maxDrop) × baseline for a positive
 * baseline (baseline / (1 − maxDrop) for a negative one, so the bar is always below it). Its
 * distribution comes from a paired bootstrap (episodes resampled jointly), so the baseline's own noise
 * is part of the test.
 *
 * <p>Episodes run up to each of the {@code looks} in turn. At each look
 * from {@code minAccept} episodes on the candidate is accepted when the lower end of the one-sided
 * interval is above 0; at every look it is declared clearly out when the upper end is below 0 (the early
 * stop that saves episodes). Each look is tested at
 * level α / looks (Bonferroni), so over the whole sequence the chance of accepting a candidate whose
 * true return is below the bar is at most α. A candidate still undecided after maxEpisodes is not shown
 * to keep the return and is rejected.
 */
public record Acceptance(double maxDrop, List<Integer> looks, int minAccept, double alpha) {
  public Acceptance {
    if (!(maxDrop > 0 && maxDrop < 1)) throw new UserError("--max-drop must be between 0% and 100% (got " + 100 * maxDrop + "%)");
    looks = List.copyOf(looks);
    for (int i = 0; i < looks.size(); i++)
      if (looks.get(i) < 2 || (i > 0 && looks.get(i) <= looks.get(i - 1)))
        throw new IllegalArgumentException("looks must be increasing episode counts of at least 2");
    if (looks.isEmpty() || minAccept > looks.getLast()) throw new IllegalArgumentException("acceptance needs a look at minAccept or later");
    if (!(alpha > 0 && alpha < 0.5)) throw new IllegalArgumentException("alpha must be in (0, 0.5)");
  }

  /**
   * Looks at 10, 50 and 200 episodes, α = 5% overall; early looks only reject (a candidate scoring −300
   * where the bar is 270 is out after 10), acceptance needs all 200. Returns are heavy-tailed (a LunarLander crash scores −100 where a landing scores 250), and a
   * sample that happens to hold no extra crash cannot show a rise of the crash rate from 5% to 9%. In
   * trials a DQN variant at 93% of the return (300 fresh episodes) was accepted at 25, 50 and 100
   * episodes on one seed set: it lost a steady 10 points per landing, and its extra crashes fell
   * outside those seeds; at 200 (another seed set) it was not shown to keep the return.
   */
  public static Acceptance of(double maxDrop) {
    return new Acceptance(maxDrop, List.of(10, 50, 200), 200, 0.05);
  }

  public enum Verdict {
    ACCEPTED("accepted"),
    CLEARLY_OUT("clearly out"),
    NOT_SHOWN("not shown to keep the return"),
    UNDECIDED("undecided");

    public final String label;

    Verdict(String label) {
      this.label = label;
    }
  }

  /**
   * The state of the test after some episodes.
   *
   * @param low lower end of the one-sided interval of mean(candidate) − bar
   * @param high upper end
   */
  public record Decision(Verdict verdict, int episodes, double candidateMean, double baselineMean, double bar, double low,
      double high) {}

  /** The most episodes a candidate (and the baseline) runs. */
  public int maxEpisodes() {
    return looks.getLast();
  }

  /** The one-sided level at each look. */
  public double levelPerLook() {
    return alpha / looks.size();
  }

  /** The return a candidate must keep: (1 − maxDrop) × baseline, below the baseline for either sign. */
  public double bar(double baselineMean) {
    return baselineMean >= 0 ? (1 - maxDrop) * baselineMean : baselineMean / (1 - maxDrop);
  }

  /**
   * Judges the first {@code candidate.length} episodes against the baseline's episodes on the same seeds.
   *
   * @param last whether no further look follows (undecided becomes not shown)
   */
  public Decision judge(double[] baseline, double[] candidate, boolean last) {
    int n = candidate.length;
    if (n == 0 || baseline.length < n) throw new IllegalArgumentException("need paired episodes");
    double level = levelPerLook();
    int b = 10_000;
    double[] stat = new double[b];
    SplittableRandom rng = new SplittableRandom(12345);
    for (int i = 0; i < b; i++) {
      double sc = 0, sb = 0;
      for (int j = 0; j < n; j++) {
        int k = rng.nextInt(n);
        sc += candidate[k];
        sb += baseline[k];
      }
      stat[i] = sc / n - bar(sb / n);
    }
    Arrays.sort(stat);
    double low = stat[(int) Math.floor(level * b)], high = stat[(int) Math.ceil((1 - level) * b) - 1];
    double mc = mean(candidate, n), mb = mean(baseline, n);
    Verdict v = low > 0 && n >= minAccept ? Verdict.ACCEPTED : high < 0 ? Verdict.CLEARLY_OUT
        : last ? Verdict.NOT_SHOWN : Verdict.UNDECIDED;
    return new Decision(v, n, mc, mb, bar(mb), low, high);
  }

  /** The outcome of a sequential test: the decision at the last look and every episode's return. */
  public record Outcome(Decision decision, double[] returns) {}

  /**
   * Runs episodes look by look until a decision or the last look.
   *
   * @param baseline the baseline's returns on seeds 0..maxEpisodes-1 (at least maxEpisodes of them)
   * @param episode return of the candidate's episode on seed index k
   * @param done returns of the episodes already run (a probe's), continued rather than rerun
   * @param cap at most this many episodes in all (the remaining budget, or a probe's limit); below the
   *     first look nothing runs and the decision is null
   * @param probe stop undecided at the cap instead of calling the candidate not shown
   */
  public Outcome sequential(double[] baseline, IntToDoubleFunction episode, double[] done, int cap, boolean probe) {
    if (baseline.length < maxEpisodes()) throw new IllegalArgumentException("the baseline needs " + maxEpisodes() + " episodes");
    List<Double> r = new ArrayList<>();
    for (double x : done) r.add(x);
    Decision d = null;
    for (int i = 0; i < looks.size(); i++) {
      int n = looks.get(i);
      if (n > cap) break;
      while (r.size() < n) r.add(episode.applyAsDouble(r.size()));
      double[] c = r.stream().mapToDouble(Double::doubleValue).toArray();
      boolean last = !probe && (i == looks.size() - 1 || looks.get(i + 1) > cap);
      d = judge(baseline, c, last);
      if (d.verdict() != Verdict.UNDECIDED) break;
    }
    return new Outcome(d, r.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double mean(double[] x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
  }
}

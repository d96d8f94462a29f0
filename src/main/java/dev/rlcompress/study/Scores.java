package dev.rlcompress.study;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Scores a variant against its baseline and recommends one.
 *
 * <ul>
 *   <li><b>return retention</b> = (R − floor) / (R_base − floor), mean returns over all repeats; the floor
 *       is 0 unless the spec sets {@code scores.return_floor} (needed where returns are negative);
 *   <li><b>size ratio</b> = file size / baseline file size;
 *   <li><b>speed-up</b> = baseline batch-1 latency / batch-1 latency, each pair from the same interleaved
 *       latency cell, geometric mean over pairs;
 *   <li><b>energy ratio</b> = energy per inference / the baseline's, paired by source and repeat,
 *       geometric mean; <b>memory ratio</b> likewise for the model's own share of peak memory.
 * </ul>
 *
 * The <b>combined score</b> is a weighted geometric mean of the benefits, retention^w_return ×
 * speed-up^w_speed × (1/size ratio)^w_size × (1/energy ratio)^w_energy, so the baseline scores exactly 1
 * and a factor that was not measured drops out. Default weights (return 2, speed 1, size 0.5, energy
 * 0.5) make return count most: losing 10% of return costs as much as a 1.23× speed-up gains. Only
 * variants that keep at least {@code keep} (90%) of the return are eligible for the recommendation.
 */
public final class Scores {
  private Scores() {}

  /** What scoring needs from one finished variant cell. */
  public record Measures(String sourceKey, int repeat, double meanReturn, double sizeBytes, double latencyUsB1,
      double energyJPerInference, double memoryModelKb) {}

  /** The variant relative to its baseline (NaN where not measured). */
  public record Ratios(double retention, double sizeRatio, double speedup, double energyRatio, double memoryRatio) {}

  public static Ratios ratios(List<Measures> variant, List<Measures> baseline, StudySpec.ScoreWeights w) {
    double rb = mean(baseline, Measures::meanReturn) - w.returnFloor();
    double retention = rb > 0 ? (mean(variant, Measures::meanReturn) - w.returnFloor()) / rb : Double.NaN;
    double size = mean(variant, Measures::sizeBytes) / mean(baseline, Measures::sizeBytes);
    return new Ratios(retention, size, paired(baseline, variant, Measures::latencyUsB1),
        paired(variant, baseline, Measures::energyJPerInference), paired(variant, baseline, Measures::memoryModelKb));
  }

  /** Geometric mean over (source, repeat) pairs of num / den, skipping pairs without a positive value. */
  private static double paired(List<Measures> num, List<Measures> den, ToDoubleFunction<Measures> f) {
    Map<String, Double> d = new HashMap<>();
    for (Measures m : den) d.put(m.sourceKey() + "#" + m.repeat(), f.applyAsDouble(m));
    double logSum = 0;
    int n = 0;
    for (Measures m : num) {
      Double b = d.get(m.sourceKey() + "#" + m.repeat());
      double a = f.applyAsDouble(m);
      if (b == null || !(a > 0) || !(b > 0)) continue;
      logSum += Math.log(a / b);
      n++;
    }
    return n == 0 ? Double.NaN : Math.exp(logSum / n);
  }

  private static double mean(List<Measures> ms, ToDoubleFunction<Measures> f) {
    return ms.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  /** The combined score; 0 when nothing of the return is retained, NaN when retention is undefined. */
  public static double combined(Ratios r, StudySpec.ScoreWeights w) {
    if (Double.isNaN(r.retention())) return Double.NaN;
    if (r.retention() <= 0) return 0;
    double log = w.returnWeight() * Math.log(r.retention());
    if (r.speedup() > 0) log += w.speedWeight() * Math.log(r.speedup());
    if (r.sizeRatio() > 0) log -= w.sizeWeight() * Math.log(r.sizeRatio());
    if (r.energyRatio() > 0) log -= w.energyWeight() * Math.log(r.energyRatio());
    return Math.exp(log);
  }

  /**
   * The one-line recommendation for an algorithm × environment and the recommended variant's name (null
   * when the baseline stays).
   */
  static String[] recommend(List<Analysis.VariantSummary> vs, Analysis.VariantSummary baseline, StudySpec.ScoreWeights w) {
    if (baseline == null || baseline.repeats() == 0) return new String[] {"no recommendation: the baseline has no finished repeat", null};
    if (Double.isNaN(baseline.ratios().retention()))
      return new String[] {"no recommendation: return retention is undefined (baseline return <= return floor; set scores.return_floor)", null};
    Analysis.VariantSummary best = null;
    for (Analysis.VariantSummary v : vs)
      if (v.kind() != Analysis.Kind.BASELINE && v.repeats() > 0 && v.eligible() && (best == null || v.score() > best.score()))
        best = v;
    String keep = String.format(Locale.ROOT, "%.0f%%", 100 * w.keep());
    if (best == null)
      return new String[] {"keep the baseline: no compressed variant keeps " + keep + " of its return", null};
    if (!(best.score() > 1))
      return new String[] {String.format(Locale.ROOT,
          "keep the baseline: the best eligible variant, %s, scores %.2f (baseline 1.00)", best.variant(), best.score()), null};
    Ratios r = best.ratios();
    return new String[] {String.format(Locale.ROOT, "use %s: keeps %.0f%% of the return, %s smaller, %s at batch 1, energy %s%s; score %.2f",
        best.variant(), 100 * r.retention(), times(1 / r.sizeRatio()), speed(r.speedup()), times(r.energyRatio()),
        "ESTIMATE".equals(best.energyMethod()) ? " (estimate)" : "", best.score()), best.variant()};
  }

  private static String times(double x) {
    return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f×", x);
  }

  private static String speed(double x) {
    return Double.isNaN(x) ? "speed not measured" : x >= 1 ? String.format(Locale.ROOT, "%.2f× faster", x)
        : String.format(Locale.ROOT, "%.2f× slower", 1 / x);
  }
}

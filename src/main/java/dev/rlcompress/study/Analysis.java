package dev.rlcompress.study;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.eval.Stats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a study's rows add up to, per algorithm × environment (the cells of the study's tables, pooling
 * every source policy of that pair): per variant the return across repeats (mean, 95% bootstrap
 * interval, IQM), resources, and {@link Scores}; per pruning method the best ratio by the 90% rule;
 * and the recommendation. Reads only the database, so a report can be made while a study still runs.
 */
public final class Analysis {
  private Analysis() {}

  /**
   * One variant of one algorithm × environment, over all its finished repeats: what it is, what it
   * returned, how closely it follows its source, what it weighs and costs to run, and how it scores.
   */
  public record VariantSummary(String variant, Identity identity, Returns returns, Fidelity fidelity,
      dev.rlcompress.eval.EvalReport.Footprint footprint,
      Resources resources, Verdict verdict) {
    public Kind kind() {
      return identity.kind();
    }

    public String method() {
      return identity.method();
    }

    public double ratio() {
      return identity.ratio();
    }

    public int repeats() {
      return returns.repeats();
    }

    public int failed() {
      return returns.failed();
    }

    public double meanReturn() {
      return returns.mean();
    }

    public double ci95Low() {
      return returns.ci95Low();
    }

    public double ci95High() {
      return returns.ci95High();
    }

    public double iqm() {
      return returns.iqm();
    }

    public double successRate() {
      return returns.successRate();
    }

    public double latencyUsB1() {
      return resources.latencyUsB1();
    }

    public double latencyMsBatch() {
      return resources.latencyMsBatch();
    }

    public double memoryPeakKb() {
      return resources.memory().peakKb();
    }

    public double memoryBaselineKb() {
      return resources.memory().baselineKb();
    }

    public double memoryModelKb() {
      return resources.memory().modelKb();
    }

    public double energyJPerInference() {
      return resources.energyJPerInference();
    }

    public String energyMethod() {
      return resources.energyMethod();
    }

    public Scores.Ratios ratios() {
      return verdict.ratios();
    }

    public double score() {
      return verdict.score();
    }

    public boolean eligible() {
      return verdict.eligible();
    }
  }

  /** What the variant is: its kind, its (last) method, and its pruning ratio (0 when it prunes nothing). */
  public record Identity(Kind kind, String method, double ratio) {}

  /** Its return across repeats: mean with a 95% bootstrap interval, interquartile mean, success rate. */
  public record Returns(int repeats, int failed, double mean, double ci95Low, double ci95High, double iqm, double successRate) {}

  /** Peak, runtime-only and model-attributable memory of the isolated probe, in KiB (medians). */
  public record Memory(double peakKb, double baselineKb, double modelKb) {}

  /** Medians of its latencies, its memory, and its energy per inference with how that was obtained. */
  public record Resources(double latencyUsB1, double latencyMsBatch, Memory memory, double energyJPerInference,
      String energyMethod) {}

  /** Its ratios to the baseline, the combined score, and whether it keeps enough return to be recommended. */
  public record Verdict(Scores.Ratios ratios, double score, boolean eligible) {}

  /**
   * How closely the variant acts like its source, over its repeats: mean agreement, mean action RMSE and
   * the largest action error (both normalized by the action range; NaN for discrete actions).
   */
  public record Fidelity(double agreement, double actionRmse, double actionMaxError) {}

  /** What kind of variant: the baseline, one quantization, one pruning step, or a pipeline of steps. */
  public enum Kind { BASELINE, QUANTIZE, PRUNE, PIPELINE }

  /** The best ratio of one pruning method by the 90% rule (ratio 0 when no ratio keeps enough return). */
  public record BestRatio(String method, double ratio, double meanReturn, double retention) {}

  /** One algorithm × environment. */
  public record Group(String algorithm, String env, List<VariantSummary> variants, List<BestRatio> bestPerMethod,
      BestRatio bestPruning, String recommendation, String recommended) {
    public VariantSummary baseline() {
      return variants.stream().filter(v -> v.kind() == Kind.BASELINE).findFirst().orElse(null);
    }
  }

  /** The whole study. */
  public record Study(String name, Map<String, String> meta, StudySpec.ScoreWeights weights, List<Group> groups,
      List<Store.Result> failures, int batch) {}

  public static Study of(Store store) {
    Map<String, String> meta = store.study();
    StudySpec.ScoreWeights w = weights(meta.get("scores"));
    List<String> order = meta.containsKey("variants")
        ? new Gson().fromJson(meta.get("variants"), new com.google.gson.reflect.TypeToken<List<String>>() {}.getType())
        : List.of();
    List<Store.Result> all = store.results();
    Map<String, List<Store.Result>> byGroup = new LinkedHashMap<>();
    for (Store.Result r : all)
      if (!r.kind().equals("TRAIN")) byGroup.computeIfAbsent(r.algorithm() + "\u0000" + r.env(), k -> new ArrayList<>()).add(r);
    List<Group> groups = new ArrayList<>();
    for (List<Store.Result> rows : byGroup.values()) groups.add(group(rows, order, w));
    int batch = all.stream().filter(r -> r.kind().equals("LATENCY") && r.status().equals("done"))
        .mapToInt(r -> r.metrics().get("batch").getAsInt()).findFirst().orElse(100);
    return new Study(meta.getOrDefault("name", "study"), meta, w, groups,
        all.stream().filter(r -> r.status().equals("failed")).toList(), batch);
  }

  private static StudySpec.ScoreWeights weights(String json) {
    if (json == null) return StudySpec.ScoreWeights.DEFAULT;
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    return new StudySpec.ScoreWeights(o.get("keep").getAsDouble(), o.get("return").getAsDouble(),
        o.get("speed").getAsDouble(), o.get("size").getAsDouble(), o.get("energy").getAsDouble(),
        o.get("return_floor").getAsDouble());
  }

  /** Measurements of one variant cell, by source and repeat, and its latency from its latency cell. */
  private record Sample(String variant, String sourceKey, int repeat, JsonObject m, double b1, double bBatch) {}

  private static Group group(List<Store.Result> rows, List<String> order, StudySpec.ScoreWeights w) {
    String algorithm = rows.get(0).algorithm(), env = rows.get(0).env();
    Map<String, double[]> latency = new HashMap<>(); // variant cell key -> {b1, batch}
    for (Store.Result r : rows) {
      if (!r.kind().equals("LATENCY") || !r.status().equals("done")) continue;
      for (JsonElement e : r.metrics().getAsJsonArray("variants")) {
        JsonObject o = e.getAsJsonObject();
        latency.put(o.get("cell_key").getAsString(), new double[] {num(o, "latency_us_b1"), num(o, "latency_ms_batch")});
      }
    }
    Map<String, List<Sample>> byVariant = new LinkedHashMap<>();
    Map<String, Integer> failed = new HashMap<>();
    Map<String, String> steps = new HashMap<>();
    for (Store.Result r : rows) {
      if (!r.kind().equals("VARIANT")) continue;
      steps.put(r.variant(), r.steps());
      if (!r.status().equals("done")) {
        failed.merge(r.variant(), 1, Integer::sum);
        byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>());
        continue;
      }
      double[] lat = latency.getOrDefault(r.cellKey(), new double[] {Double.NaN, Double.NaN});
      byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>())
          .add(new Sample(r.variant(), r.sourceKey(), r.repeat(), r.metrics(), lat[0], lat[1]));
    }
    List<String> names = new ArrayList<>(byVariant.keySet());
    names.sort((a, b) -> Integer.compare(rank(order, a), rank(order, b)));
    List<Sample> base = byVariant.getOrDefault("baseline", List.of());
    List<VariantSummary> out = new ArrayList<>();
    for (String v : names) out.add(summarize(v, steps.get(v), byVariant.get(v), base, failed.getOrDefault(v, 0), w));
    VariantSummary baseline = out.stream().filter(v -> v.kind() == Kind.BASELINE).findFirst().orElse(null);
    List<BestRatio> best = bestRatios(out, baseline, w);
    BestRatio overall = best.stream().max((a, b) -> a.ratio() != b.ratio() ? Double.compare(a.ratio(), b.ratio())
        : Double.compare(a.retention(), b.retention())).orElse(null);
    String[] rec = Scores.recommend(out, baseline, w);
    return new Group(algorithm, env, out, best, overall, rec[0], rec[1]);
  }

  private static int rank(List<String> order, String v) {
    int i = order.indexOf(v);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  private static VariantSummary summarize(String name, String stepsJson, List<Sample> s, List<Sample> base, int failed,
      StudySpec.ScoreWeights w) {
    JsonArray steps = stepsJson == null ? new JsonArray() : JsonParser.parseString(stepsJson).getAsJsonArray();
    Kind kind = Kind.PIPELINE;
    String method = null;
    double ratio = Double.NaN;
    if (steps.isEmpty()) kind = Kind.BASELINE;
    else if (steps.size() == 1 && steps.get(0).getAsJsonObject().has("prune")) {
      kind = Kind.PRUNE;
      JsonObject p = steps.get(0).getAsJsonObject().getAsJsonObject("prune");
      method = p.get("method").getAsString() + (p.getAsJsonObject("options").isEmpty() ? "" : " " + p.getAsJsonObject("options"));
      ratio = p.get("ratio").getAsDouble();
    } else if (steps.size() == 1) {
      kind = Kind.QUANTIZE;
      method = steps.get(0).getAsJsonObject().getAsJsonObject("quantize").get("method").getAsString();
    }
    double[] returns = s.stream().mapToDouble(x -> num(x.m(), "mean_return")).toArray();
    double[] ci = returns.length == 0 ? new double[] {Double.NaN, Double.NaN} : Stats.bootstrapCi95(returns);
    Scores.Ratios ratios = Scores.ratios(s.stream().map(Analysis::measures).toList(),
        base.stream().map(Analysis::measures).toList(), w);
    double score = Scores.combined(ratios, w);
    return new VariantSummary(name, new Identity(kind, method, ratio),
        new Returns(s.size(), failed, Stats.mean(returns), ci[0], ci[1], iqm(returns), mean(s, "success_rate")),
        new Fidelity(mean(s, "agreement"), mean(s, "action_rmse"), max(s, "action_max_error")),
        new dev.rlcompress.eval.EvalReport.Footprint((long) mean(s, "size_bytes"), (long) mean(s, "params"), mean(s, "sparsity")),
        new Resources(median(s.stream().mapToDouble(Sample::b1).toArray()), median(s.stream().mapToDouble(Sample::bBatch).toArray()),
            new Memory(median(values(s, "memory_peak_kb")), median(values(s, "memory_baseline_kb")), median(values(s, "memory_model_kb"))),
            mean(s, "energy_j_per_inference"),
            s.stream().filter(x -> x.m().has("energy_method")).map(x -> x.m().get("energy_method").getAsString()).findFirst()
                .orElse(null)),
        new Verdict(ratios, score, kind == Kind.BASELINE || ratios.retention() >= w.keep()));
  }

  private static Scores.Measures measures(Sample s) {
    return new Scores.Measures(s.sourceKey(), s.repeat(), num(s.m(), "mean_return"), num(s.m(), "size_bytes"), s.b1(),
        num(s.m(), "energy_j_per_inference"), num(s.m(), "memory_model_kb"));
  }

  private static List<BestRatio> bestRatios(List<VariantSummary> vs, VariantSummary baseline, StudySpec.ScoreWeights w) {
    Map<String, BestRatio> best = new LinkedHashMap<>();
    for (VariantSummary v : vs) {
      if (v.kind() != Kind.PRUNE) continue;
      best.putIfAbsent(v.method(), new BestRatio(v.method(), 0, baseline == null ? Double.NaN : baseline.meanReturn(), 1));
      if (v.repeats() > 0 && v.ratios().retention() >= w.keep() && v.ratio() > best.get(v.method()).ratio())
        best.put(v.method(), new BestRatio(v.method(), v.ratio(), v.meanReturn(), v.ratios().retention()));
    }
    return List.copyOf(best.values());
  }

  /** Interquartile mean: the mean of the middle half after trimming a quarter (rounded down) from each end. */
  public static double iqm(double[] x) {
    if (x.length == 0) return Double.NaN;
    double[] s = x.clone();
    Arrays.sort(s);
    int k = s.length / 4;
    return Stats.mean(Arrays.copyOfRange(s, k, s.length - k));
  }

  static double median(double[] x) {
    double[] s = Arrays.stream(x).filter(Double::isFinite).sorted().toArray();
    if (s.length == 0) return Double.NaN;
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  private static double[] values(List<Sample> s, String key) {
    return s.stream().mapToDouble(x -> num(x.m(), key)).toArray();
  }

  private static double max(List<Sample> s, String key) {
    return Arrays.stream(values(s, key)).filter(Double::isFinite).max().orElse(Double.NaN);
  }

  private static double mean(List<Sample> s, String key) {
    double[] v = Arrays.stream(values(s, key)).filter(Double::isFinite).toArray();
    return v.length == 0 ? Double.NaN : Stats.mean(v);
  }

  static double num(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }
}

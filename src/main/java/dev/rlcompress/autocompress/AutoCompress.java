package dev.rlcompress.autocompress;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.quantize.Precision;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.eval.LatencyBench;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.Policy;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The search behind {@code rlc compress}: the best variant on a measured objective whose return keeps
 * (1 − maxDrop) of the original's by a statistical test. Cheap signals first, episodes last:
 *
 * <ol>
 *   <li>calibration: greedy episodes of the original give its own states (and its return and episode
 *       length, which scale the screen);
 *   <li>{@link SearchSpace}: every candidate is built and screened on those states;
 *   <li>the objective is measured for the candidates that pass (size of the file; latency by the
 *       interleaved protocol on the candidate's engine);
 *   <li>the original runs on the search seeds once; then candidates, best objective first, run on the
 *       same seeds under the {@link Acceptance} rule, which stops a candidate as soon as it is clearly
 *       out. The first accepted is the answer: every candidate after it is worse on the objective.
 * </ol>
 */
public final class AutoCompress {
  /** States kept for the screen (evenly spaced over the calibration states): enough for shares to 1%. */
  static final int SCREEN_STATES = 2000;
  /** Episodes of the original whose states the screen uses, held out from calibration and fine-tuning. */
  static final int SCREEN_EPISODES = 10;
  /** Their first seed, after the calibration seeds. */
  static final long HELD_OUT_OFFSET = 10_000;
  /** Calibration states kept for fine-tuning. */
  static final int MAX_STATES = 20_000;
  /** Episodes a base gets in fp32 before its variants are tried: the early, reject-only looks. */
  static final int PROBE = 50;
  /** Latencies within this ratio are a tie, broken by size (keeps the order stable across runs). */
  static final double LATENCY_TIE = 1.05;

  private AutoCompress() {}

  public static SearchResult run(PolicyModel original, SearchOptions o, Consumer<String> log) {
    PolicyModel ref = original.actionOnly().requireFinite("the model to compress");
    if (ref.provenance().quantized()) throw new UserError("the model is already quantized; start from fp32 weights");
    Acceptance rule = Acceptance.of(o.maxDrop());
    int minimum = o.calibrationEpisodes() + SCREEN_EPISODES + rule.maxEpisodes() + rule.minAccept();
    if (o.budgetEpisodes() < minimum)
      throw new UserError("--budget-episodes " + o.budgetEpisodes() + " is below the minimum " + minimum + " (calibration "
          + (o.calibrationEpisodes() + SCREEN_EPISODES) + " + baseline " + rule.maxEpisodes() + " + one candidate's " + rule.minAccept() + ")");
    Env env = Envs.make(o.envId());
    ModelProto refProto = OnnxExporter.toProto(ref);
    try (Policy refPolicy = Policy.of(refProto, "fp32 (original)", "ort")) {
      Evaluator.checkCompatible(refPolicy, env);
      log.accept("calibration: " + o.calibrationEpisodes() + " episodes of the original, " + SCREEN_EPISODES + " more held out for the screen");
      List<float[]> states = new ArrayList<>(), held = new ArrayList<>();
      Rollouts.Episode[] cal = Rollouts.run(env, agent(refPolicy, env), o.calibrationEpisodes(), Calibration.DEFAULT_SEED, s -> {
        if (states.size() < MAX_STATES) states.add(s);
      });
      // Held out: fine-tuned candidates fit the calibration states, so screening on them would pass overfit students.
      Rollouts.Episode[] heldOut = Rollouts.run(env, agent(refPolicy, env), SCREEN_EPISODES, Calibration.DEFAULT_SEED + HELD_OUT_OFFSET, held::add);
      double calReturn = (Rollouts.meanReturn(cal) * cal.length + Rollouts.meanReturn(heldOut) * heldOut.length) / (cal.length + heldOut.length);
      double calLength = 0;
      for (Rollouts.Episode e : cal) calLength += e.length() / (double) (cal.length + heldOut.length);
      for (Rollouts.Episode e : heldOut) calLength += e.length() / (double) (cal.length + heldOut.length);
      Screen screen = new Screen(refPolicy, spaced(held, SCREEN_STATES), env.actionSpace(), calLength,
          o.maxDrop() * Math.abs(calReturn));

      SearchSpace space = new SearchSpace(ref, states, screen, o, log);
      space.explore();
      List<SearchSpace.Screened> passing = space.screened.stream().filter(SearchSpace.Screened::passes).toList();
      log.accept(String.format("screen: %d candidates, %d pass (%d states)", space.screened.size(), passing.size(), screen.states()));

      Map<SearchSpace.Screened, Double> latency = new LinkedHashMap<>();
      double refLatency = Double.NaN;
      if (o.objective() != Objective.SIZE) {
        log.accept("latency: " + (passing.size() + 1) + " models, interleaved");
        double[] lat = latencies(refPolicy, passing.stream().map(SearchSpace.Screened::variant).toList(), screen);
        refLatency = lat[0];
        for (int i = 0; i < passing.size(); i++) latency.put(passing.get(i), lat[i + 1]);
      }
      double refObjective = o.objective().of(refProto.getSerializedSize(), refLatency);
      List<SearchSpace.Screened> order = new ArrayList<>(passing);
      order.sort(Comparator.comparingDouble((SearchSpace.Screened s) -> rank(o.objective(), s, latency))
          .thenComparingLong(s -> s.variant().sizeBytes()).thenComparing(s -> s.variant().label()));

      log.accept("baseline: " + rule.maxEpisodes() + " episodes on the search seeds");
      double[] baseReturns = new double[rule.maxEpisodes()];
      Rollouts.Episode[] be = Rollouts.run(env, agent(refPolicy, env), baseReturns.length, o.episodeSeed(0), null);
      for (int k = 0; k < baseReturns.length; k++) baseReturns[k] = be[k].totalReturn();
      int spent = o.calibrationEpisodes() + SCREEN_EPISODES + baseReturns.length, candidates = 0;

      List<SearchResult.Row> rows = new ArrayList<>();
      List<SearchSpace.Screened> tried = new ArrayList<>();
      List<String> notes = new ArrayList<>(space.notes);
      Map<String, Acceptance.Outcome> probes = new LinkedHashMap<>();
      int chosen = -1;
      for (SearchSpace.Screened s : order) {
        Variant v = s.variant();
        double obj = o.objective().of(v.sizeBytes(), latency.getOrDefault(s, Double.NaN));
        // Timing noise on a shared machine: a latency must beat the original's by more than a tie.
        double needed = o.objective() == Objective.SIZE ? refObjective : refObjective / LATENCY_TIE;
        if (!(obj < needed)) {
          notes.add(String.format("stopped at %s: its %s %.4g is not clearly better than the original's %.4g", v.label(),
              o.objective().cli(), obj, refObjective));
          break;
        }
        // Quantization only adds error: when a base is clearly out in fp32, none of its variants is tried.
        SearchSpace.Screened base = space.fp32Of(v.base());
        if (base != null && base != s && base.passes() && !probes.containsKey(v.base())) {
          int left = o.budgetEpisodes() - spent;
          if (left < rule.looks().getFirst()) {
            notes.add("budget exhausted: " + spent + " of " + o.budgetEpisodes() + " episodes spent");
            break;
          }
          log.accept("probe: " + v.base());
          Acceptance.Outcome p = episodes(rule, base.variant(), o, baseReturns, new double[0], Math.min(left, PROBE), true);
          probes.put(v.base(), p);
          spent += p.returns().length;
          candidates += p.returns().length;
          log.accept(String.format("  %s after %d episodes", p.decision().verdict().label, p.decision().episodes()));
        }
        Acceptance.Outcome probe = probes.get(v.base());
        if (probe != null && probe.decision().verdict() == Acceptance.Verdict.CLEARLY_OUT) continue;
        int left = o.budgetEpisodes() - spent;
        if (left < rule.looks().getFirst()) {
          notes.add("budget exhausted: " + spent + " of " + o.budgetEpisodes() + " episodes spent");
          break;
        }
        log.accept("episodes: " + v.label());
        double[] done = base == s && probe != null ? probe.returns() : new double[0];
        Acceptance.Outcome out = episodes(rule, v, o, baseReturns, done, left + done.length, false);
        spent += out.returns().length - done.length;
        candidates += out.returns().length - done.length;
        Acceptance.Decision d = out.decision();
        rows.add(new SearchResult.Row(v.label(), v.runtime(), v.sizeBytes(), latency.getOrDefault(s, Double.NaN), obj,
            s.signals(), d, out.returns()));
        tried.add(s);
        log.accept(String.format("  %s after %d episodes: %.1f vs bar %.1f", d.verdict().label, d.episodes(), d.candidateMean(), d.bar()));
        if (d.verdict() == Acceptance.Verdict.ACCEPTED) {
          chosen = rows.size() - 1;
          break;
        }
        notes.add(String.format("rejected %s: %s after %d episodes, return %.1f vs bar %.1f (bound %.1f)", v.label(),
            d.verdict().label, d.episodes(), d.candidateMean(), d.bar(), d.verdict() == Acceptance.Verdict.CLEARLY_OUT ? d.high() : d.low()));
      }
      for (var e : probes.entrySet())
        if (e.getValue().decision().verdict() == Acceptance.Verdict.CLEARLY_OUT) {
          Acceptance.Decision d = e.getValue().decision();
          long skipped = order.stream().filter(x -> x.variant().base().equals(e.getKey()) && !x.variant().label().equals(e.getKey())).count();
          notes.add(String.format("base %s clearly out after %d episodes in fp32 (return %.1f vs bar %.1f): its %d variants skipped",
              e.getKey(), d.episodes(), d.candidateMean(), d.bar(), skipped));
        }

      SearchResult.Row baseRow = new SearchResult.Row("fp32 (original)", "ort", refProto.getSerializedSize(), refLatency,
          refObjective, null, null, baseReturns);
      if (o.objective() == Objective.SIZE && !rows.isEmpty()) { // latency for the table only, measured together
        log.accept("latency: " + (rows.size() + 1) + " models, interleaved");
        double[] lat = latencies(refPolicy, tried.stream().map(SearchSpace.Screened::variant).toList(), screen);
        baseRow = baseRow.withLatency(lat[0], o.objective());
        for (int i = 0; i < rows.size(); i++) rows.set(i, rows.get(i).withLatency(lat[i + 1], o.objective()));
      }
      List<SearchResult.Row> all = pareto(baseRow, rows);
      baseRow = all.getFirst();
      rows = all.subList(1, all.size());

      SearchResult.Episodes episodes = new SearchResult.Episodes(o.calibrationEpisodes() + SCREEN_EPISODES, baseReturns.length, candidates);
      String ruleText = String.format("paired bootstrap on shared seeds: accept when the %.2f%% lower bound of mean(candidate) - "
          + "%.2f x mean(baseline) is above 0, looks at %s episodes (Bonferroni, %.0f%% overall), acceptance from %d",
          100 * rule.levelPerLook(), 1 - o.maxDrop(), rule.looks(), 100 * rule.alpha(), rule.minAccept());
      List<String> explanation = chosen < 0 ? List.of()
          : explain(space, tried.get(chosen), rows.get(chosen), screen, space.screened, tried, rows);
      ModelProto proto = null;
      if (chosen >= 0) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("objective", o.objective().cli());
        params.put("max-drop", CompressionStep.number(o.maxDrop()));
        params.put("seed", Long.toString(o.seed()));
        params.put("fine-tune", Boolean.toString(o.allowFinetune()));
        params.put("budget-episodes", Integer.toString(o.budgetEpisodes()));
        params.put("episodes", Integer.toString(episodes.total()));
        params.put("candidates", space.screened.size() + " screened, " + passing.size() + " passed, " + rows.size() + " evaluated");
        params.put("return", String.format("%.1f vs %.1f over %d shared seeds", rows.get(chosen).meanReturn(),
            Acceptance.mean(baseReturns, rows.get(chosen).returns().length), rows.get(chosen).returns().length));
        params.put("chosen", rows.get(chosen).label());
        params.put("decisions", String.join("; ", explanation));
        proto = tried.get(chosen).variant().withStep().apply(new CompressionStep.Search("auto-compress", Part.ALL, params));
      }
      return new SearchResult(o, ruleText, baseRow, List.copyOf(rows), chosen, new SearchResult.Account(explanation, notes),
          new SearchResult.Cost(space.screened.size(), passing.size(), episodes), proto);
    }
  }

  /** A candidate's episodes on the search seeds under the rule, on its own engine. */
  private static Acceptance.Outcome episodes(Acceptance rule, Variant v, SearchOptions o, double[] baseline, double[] done, int cap,
      boolean probe) {
    try (Policy p = Policy.of(v.proto(), v.label(), v.runtime())) {
      Env e = Envs.make(o.envId());
      return rule.sequential(baseline, k -> Rollouts.run(e, agent(p, e), 1, o.episodeSeed(k), null)[0].totalReturn(), done, cap, probe);
    }
  }

  private static dev.rlcompress.env.Agent agent(Policy p, Env env) {
    return Actions.greedy(p.actionHead(), env.actionSpace(), p::run);
  }

  /** At most {@code n} states, evenly spaced (episodes' starts and ends both represented). */
  static List<float[]> spaced(List<float[]> states, int n) {
    if (states.size() <= n) return states;
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(states.get((int) ((long) i * states.size() / n)));
    return out;
  }

  /** Batch-1 µs of the reference then each variant, by the interleaved protocol (3 rounds, batch 100 for 100 passes). */
  private static double[] latencies(Policy ref, List<Variant> vs, Screen screen) {
    List<Policy> open = new ArrayList<>();
    try {
      open.add(ref);
      for (Variant v : vs) open.add(Policy.of(v.proto(), v.label(), v.runtime()));
      double[][] lat = LatencyBench.measure(open, screen.statesForLatency(), 3, 100, 100);
      double[] b1 = new double[lat.length];
      for (int i = 0; i < lat.length; i++) b1[i] = lat[i][0];
      return b1;
    } finally {
      for (int i = 1; i < open.size(); i++) open.get(i).close();
    }
  }

  private static double rank(Objective o, SearchSpace.Screened s, Map<SearchSpace.Screened, Double> latency) {
    if (o == Objective.SIZE) return s.variant().sizeBytes();
    return Math.floor(Math.log(latency.get(s)) / Math.log(LATENCY_TIE));
  }

  /** Marks the rows no other row beats on both objective and mean return; the baseline first. */
  static List<SearchResult.Row> pareto(SearchResult.Row base, List<SearchResult.Row> rows) {
    List<SearchResult.Row> all = new ArrayList<>();
    all.add(base);
    all.addAll(rows);
    List<SearchResult.Row> out = new ArrayList<>();
    for (SearchResult.Row r : all) {
      boolean dominated = false;
      for (SearchResult.Row q : all)
        if (q != r && q.objective() <= r.objective() && q.meanReturn() >= r.meanReturn()
            && (q.objective() < r.objective() || q.meanReturn() > r.meanReturn())) dominated = true;
      out.add(r.withPareto(!dominated));
    }
    return out;
  }

  /** Why the chosen variant looks as it does: its base, each layer's precision, and what was tried before it. */
  static List<String> explain(SearchSpace space, SearchSpace.Screened chosen, SearchResult.Row row, Screen screen,
      List<SearchSpace.Screened> screened, List<SearchSpace.Screened> tried, List<SearchResult.Row> rows) {
    List<String> out = new ArrayList<>();
    Acceptance.Decision d = row.decision();
    out.add(String.format("chose %s: return %.1f vs %.1f on the same %d seeds, above the bar %.1f (lower bound %+.1f)",
        row.label(), d.candidateMean(), d.baselineMean(), d.episodes(), d.bar(), d.low()));
    out.add("screen signals: " + screen.explain(chosen.signals()));
    SearchSpace.Base base = space.bases.stream().filter(b -> b.label().equals(chosen.variant().base())).findFirst().orElse(null);
    if (base == null || base.layers().isEmpty()) return out;
    for (PolicyModel.NamedLayer n : Part.weighted(base.model())) {
      LayerId id = n.id();
      Precision p = chosen.assignment().getOrDefault(id, Precision.FP32);
      int next = p.ordinal() + 1;
      if (next >= Precision.values().length) {
        out.add(id + " in " + p.label + ": the fewest bits tried");
        continue;
      }
      Precision cheaper = Precision.values()[next];
      Signals alone = base.layers().get(id).get(cheaper);
      String verb = p == Precision.FP32 ? "kept in fp32" : "in " + p.label;
      if (!screen.passes(alone)) {
        out.add(id + " " + verb + ": its " + cheaper.label + " " + screen.explain(alone));
        continue;
      }
      Map<LayerId, Precision> a = new LinkedHashMap<>(chosen.assignment());
      a.put(id, cheaper);
      String outcome = "was not built (the search raised other layers first)";
      for (SearchSpace.Screened s : screened)
        if (s.variant().base().equals(base.label()) && sameAssignment(s.assignment(), a, base.model())) {
          int t = tried.indexOf(s);
          outcome = !s.passes() ? "failed the screen together with the others (" + screen.explain(s.signals()) + ")"
              : t >= 0 ? "failed the episodes together with the others (" + rows.get(t).decision().verdict().label + ")"
                  : "passed the screen but ranked after this variant";
        }
      out.add(id + " " + verb + ": " + cheaper.label + " passed alone, but " + outcome);
    }
    return out;
  }

  private static boolean sameAssignment(Map<LayerId, Precision> x, Map<LayerId, Precision> y, PolicyModel m) {
    for (PolicyModel.NamedLayer n : Part.weighted(m))
      if (x.getOrDefault(n.id(), Precision.FP32) != y.getOrDefault(n.id(), Precision.FP32)) return false;
    return true;
  }
}

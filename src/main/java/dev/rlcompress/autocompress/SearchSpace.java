package dev.rlcompress.autocompress;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.DependencyGraph;
import dev.rlcompress.compress.prune.Importance;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.prune.Pruning;
import dev.rlcompress.compress.quantize.Precision;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.QuantizedPolicy;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.runtime.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * The candidates, screened. Bases first: the original, structured pruning with a ratio per dependency
 * group (L2 importance; with fine-tuning when allowed), and unstructured sparsity (on the sparse engine
 * when allowed). A base that fails the screen in fp32 is dropped with its quantized versions, since
 * quantization only adds error. On every base that passes, each layer's sensitivity to each precision is
 * measured alone; then, as accuracy-aware tuners do for supervised models, the search starts from every
 * layer at its cheapest precision that passed alone and, while the combination fails the screen, or
 * after it passed (to leave fallbacks for the episode phase), gives the layer that is most sensitive at
 * its current precision the next more precise one, until every layer is fp32.
 */
final class SearchSpace {
  /** Ratios tried per group of structured pruning. */
  static final double[] GROUP_RATIOS = {0, 0.25, 0.5, 0.75};
  /** Sparsities tried for unstructured pruning. */
  static final double[] SPARSITIES = {0.5, 0.75, 0.9};
  /** Precisions tried per layer (fp32 is always available). */
  static final Precision[] PRECISIONS = {Precision.FP16, Precision.INT8_PER_CHANNEL, Precision.INT8_PER_TENSOR,
      Precision.INT4, Precision.BINARY};
  /** Distillation steps when fine-tuning is allowed (pruning.md's budget). */
  static final int FINETUNE_STEPS = 3000;

  /**
   * A screened candidate.
   *
   * @param assignment its precision per layer (empty for an fp32 base)
   */
  record Screened(Variant variant, Signals signals, boolean passes, Map<LayerId, Precision> assignment) {}

  /** A base and each of its layers' signals alone at each precision. */
  record Base(String label, PolicyModel model, Screened fp32, Map<LayerId, Map<Precision, Signals>> layers) {}

  private final PolicyModel reference;
  private final List<float[]> states;
  private final Screen screen;
  private final SearchOptions options;
  private final Consumer<String> log;
  final List<Screened> screened = new ArrayList<>();
  final List<Base> bases = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  SearchSpace(PolicyModel reference, List<float[]> states, Screen screen, SearchOptions options, Consumer<String> log) {
    this.reference = reference;
    this.states = states;
    this.screen = screen;
    this.options = options;
    this.log = log;
  }

  void explore() {
    Distiller.Config ft = Distiller.Config.of(options.allowFinetune() ? FINETUNE_STEPS : 0, 1e-4)
        // Sharpened distillation for Q-values (Rusu et al. 2016): MSE on Q-values recovers little (pruning.md).
        .withTemperature(reference.actionHead().kind() instanceof HeadKind.QValues ? 0.01 : Double.NaN)
        .withSeed(options.seed());
    String suffix = options.allowFinetune() ? " +ft" : "";
    Calibration.Source given = new Calibration.Given(states);
    dense("fp32", reference, true);
    List<Map<LayerId, Double>> grid = ratioGrid(reference);
    if (options.allowFinetune() && !grid.isEmpty()) // self-distillation: widens the margins without removing anything
      grid.addFirst(uniform(new ArrayList<>(grid.getFirst().keySet()), 0));
    for (Map<LayerId, Double> ratios : grid) {
      String label = "l2 " + ratios(ratios) + suffix;
      log.accept("base " + label);
      dense(label, Pruning.prune(reference, new Pruning.Options.PerGroup(Importance.L2, ratios, ft), given), false);
    }
    boolean sparseEngine = !options.runtime().equals("ort") && reference.trunk().isEmpty() && reference.normalization() == null;
    for (double s : SPARSITIES) {
      String label = String.format("unstructured %.0f%%%s", 100 * s, suffix);
      log.accept("base " + label);
      PruneMethod u = new PruneMethod.Unstructured(Part.ALL, false);
      PolicyModel m = Pruning.prune(reference, options.allowFinetune() ? new Pruning.Options.FineTuned(u, s, 1, ft)
          : new Pruning.Options.OneShot(u, s), given);
      String runtime = sparseEngine ? "java-sparse" : "ort";
      Variant v = new Variant(label + (sparseEngine ? " [java-sparse]" : ""), label, runtime,
          SparseStorage.toSparse(OnnxExporter.toProto(m), 0.5),
          step -> SparseStorage.toSparse(OnnxExporter.toProto(m.withProvenance(m.provenance().withCompression(step))), 0.5));
      add(v, Map.of());
    }
  }


  /** The fp32 candidate of the pruned base named {@code label}; null for the original and for unstructured bases. */
  Screened fp32Of(String label) {
    for (Base b : bases) if (b.label().equals(label) && b.model() != reference) return b.fp32();
    return null;
  }

  /** Every combination of {@link #GROUP_RATIOS} over the groups but all-zero; uniform ratios when there are more than two groups. */
  static List<Map<LayerId, Double>> ratioGrid(PolicyModel m) {
    List<LayerId> producers = DependencyGraph.groups(m).stream().map(g -> g.producer().id(m)).toList();
    List<Map<LayerId, Double>> out = new ArrayList<>();
    int n = producers.size(), k = GROUP_RATIOS.length;
    if (n == 0) return out;
    if (n > 2) {
      for (int i = 1; i < k; i++) out.add(uniform(producers, GROUP_RATIOS[i]));
      return out;
    }
    for (int c = 1; c < (int) Math.pow(k, n); c++) {
      Map<LayerId, Double> r = new LinkedHashMap<>();
      int x = c;
      for (LayerId id : producers) {
        r.put(id, GROUP_RATIOS[x % k]);
        x /= k;
      }
      out.add(r);
    }
    return out;
  }

  static Map<LayerId, Double> uniform(List<LayerId> producers, double ratio) {
    Map<LayerId, Double> r = new LinkedHashMap<>();
    for (LayerId id : producers) r.put(id, ratio);
    return r;
  }

  static String ratios(Map<LayerId, Double> ratios) {
    StringJoiner j = new StringJoiner(",");
    ratios.forEach((id, r) -> j.add(id + "=" + CompressionStep.number(r)));
    return j.toString();
  }

  /** An fp32 base: screened itself; if it passes, its layers' sensitivities and the precision ladder on it. */
  private void dense(String label, PolicyModel base, boolean original) {
    Variant v = new Variant(label, label, "ort", OnnxExporter.toProto(base),
        step -> OnnxExporter.toProto(base.withProvenance(base.provenance().withCompression(step))));
    // The original in fp32 is the baseline, not a candidate: only timing noise could rank it better.
    Screened fp32 = original ? measure(v, Map.of()) : add(v, Map.of());
    Map<LayerId, Map<Precision, Signals>> layers = new LinkedHashMap<>();
    bases.add(new Base(label, base, fp32, layers));
    if (!fp32.passes()) {
      notes.add(label + ": screened out in fp32 (" + screen.explain(fp32.signals()) + "); its quantized versions were not tried");
      return;
    }
    List<LayerId> ids = Part.weighted(base).stream().map(PolicyModel.NamedLayer::id).toList();
    for (LayerId id : ids) {
      Map<Precision, Signals> row = new LinkedHashMap<>();
      for (Precision p : PRECISIONS) row.put(p, mixed(label, base, Map.of(id, p), false).signals());
      layers.put(id, row);
    }
    if (original) // the uniform hand-picked choices, for the front: every layer in one precision
      for (Precision p : PRECISIONS) {
        Map<LayerId, Precision> all = new LinkedHashMap<>();
        for (LayerId id : ids) all.put(id, p);
        add(mixed(label, base, all, true));
      }
    ladder(label, base, ids, layers);
  }

  /**
   * From every layer at its cheapest precision that passed alone, raise the most sensitive layer one
   * step at a time until all are fp32; every step is a candidate.
   */
  private void ladder(String label, PolicyModel base, List<LayerId> ids, Map<LayerId, Map<Precision, Signals>> layers) {
    Map<LayerId, Precision> a = new LinkedHashMap<>();
    for (LayerId id : ids) a.put(id, cheapestPassing(layers.get(id), Precision.FP32));
    while (a.values().stream().anyMatch(p -> p != Precision.FP32)) {
      add(mixed(label, base, a, true));
      LayerId worst = null;
      double worstBad = Double.NEGATIVE_INFINITY;
      for (LayerId id : ids) {
        if (a.get(id) == Precision.FP32) continue;
        double bad = badness(layers.get(id).get(a.get(id)));
        if (bad > worstBad) {
          worstBad = bad;
          worst = id;
        }
      }
      a.put(worst, cheapestPassing(layers.get(worst), a.get(worst)));
    }
  }

  /** The fewest-bit precision with more bits than {@code above} (FP32: any) that passed alone; fp32 if none. */
  private Precision cheapestPassing(Map<Precision, Signals> row, Precision above) {
    Precision best = Precision.FP32;
    for (Precision p : PRECISIONS)
      if ((above == Precision.FP32 || p.ordinal() < above.ordinal()) && screen.passes(row.get(p))) best = p;
    return best;
  }

  /** How much a layer at a precision hurts on its own: the estimated loss, or the disagreement. */
  static double badness(Signals s) {
    return Double.isNaN(s.estimatedLoss()) ? 1 - s.agreement() : s.estimatedLoss();
  }

  private Screened mixed(String baseLabel, PolicyModel base, Map<LayerId, Precision> assignment, boolean candidate) {
    QuantOptions.Mixed o = new QuantOptions.Mixed(assignment, false);
    String label = baseLabel + " / " + o.describe(base);
    for (Screened s : screened) if (s.variant().label().equals(label)) return s;
    QuantizedPolicy q = Quantizer.quantize(base, o, new Calibration.Given(states)).policy();
    Variant v = new Variant(label, baseLabel, "ort", q.toProto(), step -> new QuantizedPolicy(
        q.model().withProvenance(q.model().provenance().withCompression(step)), q.scheme(), q.selected()).toProto());
    if (candidate) return add(v, o.layers());
    return measure(v, o.layers());
  }

  private Screened add(Variant v, Map<LayerId, Precision> assignment) {
    Screened s = measure(v, assignment);
    screened.add(s);
    return s;
  }

  private Screened add(Screened s) {
    if (!screened.contains(s)) screened.add(s);
    return s;
  }

  private Screened measure(Variant v, Map<LayerId, Precision> assignment) {
    try (Policy p = Policy.of(v.proto(), v.label(), v.runtime())) {
      Signals sig = screen.measure(p);
      return new Screened(v, sig, screen.passes(sig), assignment);
    }
  }
}

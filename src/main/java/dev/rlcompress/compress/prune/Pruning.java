package dev.rlcompress.compress.prune;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.distill.Masks;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pruning pipelines: one-shot, pruning with fine-tuning (one step or iterative), group-norm sparse
 * training then structured pruning, and the lottery-ticket rewind. Fine-tuning is distillation from the
 * unpruned policy on its own states ({@link Distiller}); unstructured masks are kept during it, so
 * sparsity never decays.
 */
public final class Pruning {
  private Pruning() {}

  /** A pruning pipeline, one record per kind, each with only the options it has. */
  public sealed interface Options {
    double ratio();

    /** Whether the pipeline fine-tunes on the policy's states. */
    default boolean needsStates() {
      return true;
    }

    /** Prune once, no fine-tuning. */
    record OneShot(PruneMethod method, double ratio) implements Options {
      @Override
      public boolean needsStates() {
        return false;
      }
    }

    /**
     * Prune to {@code ratio} in {@code iterations} steps, fine-tuning with {@code finetune} after each
     * (its seed is offset by the iteration number).
     */
    record FineTuned(PruneMethod method, double ratio, int iterations, Distiller.Config finetune) implements Options {
      public FineTuned {
        if (iterations < 1) throw new UserError("iterations must be at least 1");
      }
    }

    /**
     * Structured pruning with its own ratio per dependency group (keyed by the group's producer layer;
     * groups not named keep every unit), then {@code finetune} (0 steps: none). What a search uses when
     * a wide layer tolerates more pruning than a narrow one.
     */
    record PerGroup(Importance importance, Map<LayerId, Double> ratios, Distiller.Config finetune) implements Options {
      public PerGroup {
        ratios = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ratios));
        for (double r : ratios.values()) StructuredPruner.checkRatio(r);
      }

      /** The largest of the group ratios. */
      public double ratio() {
        return ratios.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      }

      @Override
      public boolean needsStates() {
        return finetune.steps() > 0;
      }
    }

    /**
     * The study's structured pipeline over the whole network: group-norm sparse training for
     * {@code sparse.steps()}, structured pruning, then {@code finetune}.
     */
    record SparseTrained(Importance importance, double ratio, SparseTraining sparse, Distiller.Config finetune)
        implements Options {}
  }

  /** Group-norm sparse training's budget and penalty ({@link GroupSparsity}). */
  public record SparseTraining(int steps, double lambda, double alpha) {
    public SparseTraining {
      if (steps <= 0) throw new UserError("sparse training needs a positive number of steps");
    }
  }

  /** Runs {@code options} on the action-only policy; {@code states} drive fine-tuning where the pipeline has any. */
  public static PolicyModel prune(PolicyModel fp32, Options options, Calibration.Source states) {
    PolicyModel m = fp32.actionOnly().requireFinite("the model to prune");
    if (m.provenance().quantized())
      throw new UserError("the model is quantized; prune fp32 weights, then quantize");
    StructuredPruner.checkRatio(options.ratio());
    List<float[]> s = options.needsStates() ? states.states(m) : List.of();
    return switch (options) {
      case Options.OneShot o -> o.method().prune(m, o.ratio());
      case Options.FineTuned f -> iterative(m, f, s);
      case Options.SparseTrained t -> sparseTrainThenPrune(m, t, s);
      case Options.PerGroup g -> perGroup(m, g, s);
    };
  }

  /**
   * Structured steps remove the same fraction q of the remaining units each time, (1 - q)^iterations =
   * 1 - target; unstructured steps raise sparsity linearly to the target.
   */
  static PolicyModel iterative(PolicyModel teacher, Options.FineTuned f, List<float[]> states) {
    PolicyModel m = teacher;
    Map<LayerId, Integer> original = new HashMap<>();
    for (DependencyGraph.Group g : DependencyGraph.groups(m)) original.put(g.producer().id(m), g.units());
    int n = f.iterations();
    for (int it = 1; it <= n; it++) {
      switch (f.method()) {
        case PruneMethod.Unstructured u -> m = u.prune(m, f.ratio() * it / n);
        case PruneMethod.Structured st -> {
          // Unit targets from the original widths, so rounding does not compound across iterations.
          Map<LayerId, Double> perLayer = StructuredPruner.outsidePart(m, st.part());
          for (DependencyGraph.Group g : DependencyGraph.groups(m)) {
            LayerId id = g.producer().id(m);
            if (perLayer.containsKey(id)) continue;
            int orig = original.get(id);
            long desired = orig - (long) Math.floor(orig * (1 - Math.pow(1 - f.ratio(), (double) it / n)) + 1e-9);
            perLayer.put(id, (g.units() - desired) / (double) g.units() + 1e-9);
          }
          m = StructuredPruner.apply(m, StructuredPruner.plan(m, st.importance(), 0, perLayer));
        }
      }
      if (f.finetune().steps() > 0) {
        Masks masks = f.method() instanceof PruneMethod.Unstructured ? Masks.nonzero(m) : Masks.NONE;
        m = Distiller.distill(m, teacher, states, f.finetune().withMasks(masks).withSeed(f.finetune().seed() + it));
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ratio", CompressionStep.number(f.ratio()));
    if (f.method() instanceof PruneMethod.Unstructured u && u.global()) params.put("global", "true");
    params.put("iterations", Integer.toString(n));
    putFinetune(params, f.finetune());
    return m.withProvenance(teacher.provenance().withCompression(
        new CompressionStep.Pruning(f.method().label(), f.method().part(), params)));
  }

  static PolicyModel perGroup(PolicyModel teacher, Options.PerGroup g, List<float[]> states) {
    Map<LayerId, Double> perLayer = new LinkedHashMap<>();
    java.util.StringJoiner known = new java.util.StringJoiner(", ");
    for (DependencyGraph.Group group : DependencyGraph.groups(teacher)) {
      perLayer.put(group.producer().id(teacher), 0.0);
      known.add(group.producer().id(teacher) + " (" + group.units() + " units)");
    }
    for (LayerId id : g.ratios().keySet())
      if (!perLayer.containsKey(id))
        throw new UserError("layer " + id + " produces no prunable group of this model; its groups: " + known);
    perLayer.putAll(g.ratios());
    PolicyModel m = StructuredPruner.apply(teacher, StructuredPruner.plan(teacher, g.importance(), 0, perLayer));
    if (g.finetune().steps() > 0) m = Distiller.distill(m, teacher, states, g.finetune());
    Map<String, String> params = new LinkedHashMap<>();
    java.util.StringJoiner ratios = new java.util.StringJoiner(",");
    perLayer.forEach((id, r) -> ratios.add(id + "=" + CompressionStep.number(r)));
    params.put("ratios", ratios.toString());
    putFinetune(params, g.finetune());
    return m.withProvenance(teacher.provenance().withCompression(
        new CompressionStep.Pruning("structured-" + g.importance().name(), Part.ALL, params)));
  }

  static PolicyModel sparseTrainThenPrune(PolicyModel teacher, Options.SparseTrained t, List<float[]> states) {
    Distiller.Config sparse = t.finetune().withSteps(t.sparse().steps());
    PolicyModel regularized = Distiller.distill(teacher, teacher, states, sparse, dev.rlcompress.train.Mlp.Hooks.NONE,
        new GroupSparsity(teacher, t.sparse().lambda(), t.sparse().alpha()));
    PolicyModel pruned = StructuredPruner.prune(regularized, t.importance(), t.ratio(), Part.ALL);
    if (t.finetune().steps() > 0)
      pruned = Distiller.distill(pruned, teacher, states, t.finetune().withSeed(t.finetune().seed() + 1));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ratio", CompressionStep.number(t.ratio()));
    params.put("group-sparse-train", Integer.toString(t.sparse().steps()));
    params.put("lambda", CompressionStep.number(t.sparse().lambda()));
    params.put("alpha", CompressionStep.number(t.sparse().alpha()));
    putFinetune(params, t.finetune());
    return pruned.withProvenance(teacher.provenance().withCompression(
        new CompressionStep.Pruning("structured-" + t.importance().name(), Part.ALL, params)));
  }

  private static void putFinetune(Map<String, String> params, Distiller.Config c) {
    params.put("finetune", Integer.toString(c.steps()));
    if (c.sharpened()) params.put("distill-tau", CompressionStep.number(c.temperature()));
  }

  /**
   * The lottery-ticket check (Frankle and Carbin 2019) for unstructured pruning: take the mask of the
   * pruned trained network, rewind the surviving weights to their values at initialisation, and retrain
   * with {@code retrain} (the study uses the fine-tuning budget at the from-scratch learning rate).
   * Returns the rewound-and-retrained model.
   */
  public static PolicyModel lotteryTicket(PolicyModel teacher, PolicyModel initial, PolicyModel prunedTrained,
      List<float[]> states, Distiller.Config retrain) {
    Masks masks = Masks.nonzero(prunedTrained);
    PolicyModel rewound = masks.apply(initial.actionOnly());
    PolicyModel trained = Distiller.distill(rewound, teacher.actionOnly(), states, retrain.withMasks(masks));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("rewound-to", "init");
    params.put("sparsity", String.format("%.4f", UnstructuredPruner.sparsity(prunedTrained)));
    params.put("retrain", Integer.toString(retrain.steps()));
    return trained.withProvenance(teacher.provenance().withCompression(
        new CompressionStep.Pruning("lottery-ticket", Part.ALL, params)));
  }
}

package dev.rlcompress.compress.prune;

import dev.rlcompress.compress.Part;
import dev.rlcompress.compress.distill.Distillation;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.List;

/**
 * Pruning followed by fine-tuning, one-shot or iterative, and the lottery-ticket check. Fine-tuning is
 * distillation from the unpruned policy on its own states ({@link Distillation}); unstructured masks
 * are kept during it, so sparsity never decays.
 */
public final class FineTunedPruning {
  private FineTunedPruning() {}

  /** What to prune: "l1-unstructured" or a structured importance (l1, l2, group, random). */
  public record Method(String name) {
    public boolean unstructured() {
      return name.equals("l1-unstructured");
    }

    public static Method parse(String s) {
      if (!s.equals("l1-unstructured")) Importance.parse(s);
      return new Method(s);
    }
  }

  /** One pruning step at {@code ratio} of the original size (unstructured) or of the current units (structured). */
  public static PolicyModel pruneOnce(PolicyModel m, Method method, double ratio, Part part, boolean global, long seed) {
    return method.unstructured() ? UnstructuredPruner.prune(m, ratio, part, global)
        : StructuredPruner.prune(m, Importance.parse(method.name()), ratio, seed);
  }

  /**
   * Prunes to {@code target} in {@code iterations} steps, fine-tuning {@code stepsPerIteration} after each.
   * Structured steps remove the same fraction q of the remaining units each time, (1 - q)^iterations =
   * 1 - target; unstructured steps raise sparsity linearly to the target.
   */
  public static PolicyModel iterative(PolicyModel teacher, Method method, double target, Part part, boolean global,
      int iterations, int stepsPerIteration, List<float[]> states, long seed, Distillation.Loss loss) {
    StructuredPruner.checkRatio(target);
    if (iterations < 1) throw new UserError("iterations must be at least 1");
    PolicyModel m = teacher.actionOnly();
    java.util.Map<String, Integer> original = new java.util.HashMap<>();
    for (DependencyGraph.Group g : DependencyGraph.groups(m)) original.put(g.producer().name(m), g.units());
    for (int it = 1; it <= iterations; it++) {
      if (method.unstructured()) {
        m = pruneOnce(m, method, target * it / iterations, part, global, seed + it);
      } else {
        // Unit targets from the original widths, so rounding does not compound across iterations.
        java.util.Map<String, Double> perLayer = new java.util.HashMap<>();
        for (DependencyGraph.Group g : DependencyGraph.groups(m)) {
          int orig = original.get(g.producer().name(m));
          long desired = orig - (long) Math.floor(orig * (1 - Math.pow(1 - target, (double) it / iterations)) + 1e-9);
          perLayer.put(g.producer().name(m), (g.units() - desired) / (double) g.units() + 1e-9);
        }
        m = StructuredPruner.apply(m, StructuredPruner.plan(m, Importance.parse(method.name()), 0, perLayer, seed + it));
      }
      if (stepsPerIteration > 0) {
        float[][] masks = method.unstructured() ? Distillation.nonzeroMasks(m) : null;
        m = Distillation.finetune(m, teacher.actionOnly(), states, Distillation.NONE, masks, stepsPerIteration, 1e-4, seed + it, loss);
      }
    }
    String step = String.format("prune:iterative:%s:%.2f:iterations=%d:finetune=%d", method.name(), target, iterations,
        stepsPerIteration);
    return m.withProvenance(teacher.provenance().withCompression(step));
  }

  /**
   * The study's structured pipeline: group-norm sparse training ({@link GroupSparsity}, distilling from
   * the unpruned policy while regularizing) for {@code sparseSteps}, then structured pruning by
   * {@code importance}, then {@code finetuneSteps} of plain distillation.
   */
  public static PolicyModel sparseTrainThenPrune(PolicyModel teacher, Importance importance, double ratio,
      List<float[]> states, int sparseSteps, double lambda, double alpha, int finetuneSteps, long seed,
      Distillation.Loss loss) {
    PolicyModel t = teacher.actionOnly();
    PolicyModel regularized = Distillation.finetune(t, t, states, Distillation.NONE, null, sparseSteps, 1e-4, seed, loss,
        new GroupSparsity(lambda, alpha));
    PolicyModel pruned = StructuredPruner.prune(regularized, importance, ratio, seed);
    if (finetuneSteps > 0)
      pruned = Distillation.finetune(pruned, t, states, Distillation.NONE, null, finetuneSteps, 1e-4, seed + 1, loss);
    return pruned.withProvenance(teacher.provenance().withCompression(String.format(
        "prune:structured:%s:%.2f:group-sparse-train=%d:lambda=%g:alpha=%g:finetune=%d",
        importance.name().toLowerCase(), ratio, sparseSteps, lambda, alpha, finetuneSteps)));
  }

  /**
   * The lottery-ticket check (Frankle and Carbin 2019) for unstructured pruning: take the mask of the
   * pruned trained network, rewind the surviving weights to their values at initialisation, and retrain
   * with the same step budget and signal as fine-tuning (at the from-scratch learning rate). Returns the
   * rewound-and-retrained model.
   */
  public static PolicyModel lotteryTicket(PolicyModel teacher, PolicyModel initial, PolicyModel prunedTrained,
      List<float[]> states, int steps, long seed, Distillation.Loss loss) {
    float[][] masks = Distillation.nonzeroMasks(prunedTrained);
    PolicyModel rewound = Distillation.finetune(initial.actionOnly(), teacher.actionOnly(), states, Distillation.NONE,
        masks, 0, 1e-4, seed); // steps 0: applies the mask to the initial weights
    // Training from initialisation uses the from-scratch learning rate (1e-3), fine-tuning uses 1e-4.
    PolicyModel trained = Distillation.finetune(rewound, teacher.actionOnly(), states, Distillation.NONE, masks, steps, 1e-3, seed, loss);
    return trained.withProvenance(teacher.provenance().withCompression(
        String.format("prune:lottery-ticket:rewound-to-init:sparsity=%.2f:retrain=%d",
            UnstructuredPruner.sparsity(prunedTrained), steps)));
  }
}

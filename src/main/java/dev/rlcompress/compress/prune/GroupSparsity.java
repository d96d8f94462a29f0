package dev.rlcompress.compress.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.rlcompress.compress.distill.Distillation;

/**
 * The study's group-norm sparse training (DepGraph's GroupNormPruner): before structured pruning, train
 * with the penalty λ·Σ_g Σ_k γ_k·I_{g,k}, where I_{g,k} = Σ_{w∈g} ‖w[k]‖² is the L2 importance of hidden
 * unit k over its group (its row and bias in the producer, its column in the consumer) and
 * γ_k = 2^{α(I_max − I_k)/(I_max − I_min)}: the least important units are pushed towards zero up to
 * 2^α times harder than the most important, so the units pruning will remove carry little when they go.
 * γ is recomputed from the current weights at every step and treated as a constant. For MLP heads.
 */
public final class GroupSparsity implements Distillation.Regularizer {
  private final double lambda, alpha;

  /** Torch-Pruning's default exponent is α = 4 (γ in [1, 16]). */
  public GroupSparsity(double lambda, double alpha) {
    if (lambda < 0 || alpha < 0) throw new dev.rlcompress.util.UserError("sparse-training lambda and alpha must be >= 0");
    this.lambda = lambda;
    this.alpha = alpha;
  }

  @Override
  public NDArray penalty(NDList p) {
    int linears = p.size() / 2;
    NDArray total = null;
    for (int l = 0; l + 1 < linears; l++) {
      NDArray w = p.get(2 * l), b = p.get(2 * l + 1), next = p.get(2 * l + 2);
      NDArray importance = w.square().sum(new int[] {1}).add(b.square()).add(next.square().sum(new int[] {0}));
      NDArray term = importance.mul(gamma(importance.toFloatArray(), importance)).sum();
      total = total == null ? term : total.add(term);
    }
    return total == null ? p.get(0).sum().mul(0f) : total.mul((float) lambda);
  }

  private NDArray gamma(float[] imp, NDArray like) {
    float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
    for (float v : imp) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    float[] g = new float[imp.length];
    for (int k = 0; k < g.length; k++)
      g[k] = max > min ? (float) Math.pow(2, alpha * (max - imp[k]) / (max - min)) : 1f;
    return like.getManager().create(g);
  }
}

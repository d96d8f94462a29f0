package dev.rlcompress.compress.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * The study's group-norm sparse training (DepGraph's GroupNormPruner): before structured pruning, train
 * with the penalty λ·Σ_g Σ_k γ_k·I_{g,k}, where I_{g,k} = Σ_{w∈g} ‖w[k]‖² is the L2 importance of unit k
 * over its {@link DependencyGraph} group (its row and bias in the producer, its columns in every
 * consumer) and γ_k = 2^{α(I_max − I_k)/(I_max − I_min)}: the least important units are pushed towards
 * zero up to 2^α times harder than the most important, so the units pruning will remove carry little
 * when they go. γ is recomputed from the current weights at every step and treated as a constant. The
 * groups are those structured pruning will cut, read from the model, for the MLP policies that
 * {@link Distiller} fine-tunes.
 */
public final class GroupSparsity implements Distiller.Regularizer {
  /** One group as tensor positions in the distiller's parameter list (weight 2k, bias 2k+1 of Linear k). */
  private record TensorGroup(int producer, List<Integer> consumers) {}

  private final double lambda, alpha;
  private final List<TensorGroup> groups = new ArrayList<>();

  /**
   * @param m the model being trained (its action head is an MLP)
   * @param alpha Torch-Pruning's default exponent is α = 4 (γ in [1, 16])
   */
  public GroupSparsity(PolicyModel m, double lambda, double alpha) {
    if (!(lambda >= 0) || !(alpha >= 0)) throw new UserError("sparse-training lambda and alpha must be >= 0");
    this.lambda = lambda;
    this.alpha = alpha;
    List<Layer> head = m.actionHead().layers();
    for (DependencyGraph.Group g : DependencyGraph.groups(m)) {
      List<Integer> consumers = new ArrayList<>();
      for (DependencyGraph.Consumer c : g.consumers()) {
        if (c.slot().head() != 0 || c.columnsPerUnit() != 1 || !(c.slot().layer(m) instanceof Layer.Linear))
          throw new UserError("group-norm sparse training supports MLP action heads only");
        consumers.add(linearIndex(head, c.slot().index()));
      }
      if (g.producer().head() != 0) throw new UserError("group-norm sparse training supports MLP action heads only");
      groups.add(new TensorGroup(linearIndex(head, g.producer().index()), consumers));
    }
  }

  private static int linearIndex(List<Layer> layers, int position) {
    int k = 0;
    for (int i = 0; i < position; i++) if (layers.get(i) instanceof Layer.Linear) k++;
    return k;
  }

  @Override
  public NDArray penalty(NDList p) {
    NDArray total = null;
    for (TensorGroup g : groups) {
      NDArray importance = p.get(2 * g.producer()).square().sum(new int[] {1}).add(p.get(2 * g.producer() + 1).square());
      for (int c : g.consumers()) importance = importance.add(p.get(2 * c).square().sum(new int[] {0}));
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

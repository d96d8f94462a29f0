package dev.rlcompress.compress.prune;

import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unstructured L1 magnitude pruning, as torch.nn.utils.prune.l1_unstructured: the smallest-|w| weights
 * (biases are kept) are set to zero, per layer or with one global threshold across the selected part.
 * The zeros cost memory and time until something exploits them: see {@code SparseStorage} and
 * {@code runtime.SparsePolicy}.
 */
public final class UnstructuredPruner {
  private UnstructuredPruner() {}

  /** Zeroes the {@code ratio} smallest-|w| weights of {@code part}, per layer or with one global threshold; records the step. */
  public static PolicyModel prune(PolicyModel m, double ratio, Part part, boolean global) {
    StructuredPruner.checkRatio(ratio);
    List<PolicyModel.NamedLayer> chosen = part.select(m);
    if (chosen.isEmpty()) throw new UserError("no prunable layer in part '" + part.label() + "'");
    Map<LayerId, Float> threshold = new HashMap<>();
    if (global) {
      int n = 0;
      for (PolicyModel.NamedLayer c : chosen) n += Layer.weights(c.layer()).length;
      float[] all = new float[n];
      int p = 0;
      for (PolicyModel.NamedLayer c : chosen) for (float w : Layer.weights(c.layer())) all[p++] = Math.abs(w);
      float t = kth(all, (int) Math.floor(ratio * n));
      for (PolicyModel.NamedLayer c : chosen) threshold.put(c.id(), t);
    } else {
      for (PolicyModel.NamedLayer c : chosen) {
        float[] w = Layer.weights(c.layer());
        float[] a = new float[w.length];
        for (int i = 0; i < w.length; i++) a[i] = Math.abs(w[i]);
        threshold.put(c.id(), kth(a, (int) Math.floor(ratio * w.length)));
      }
    }
    PolicyModel pruned = m.mapLayers((id, l) -> {
      Float t = threshold.get(id);
      if (t == null) return l;
      return switch (l) {
        case Layer.Linear lin -> new Layer.Linear(lin.in(), lin.out(), zeroBelow(lin.weight(), t), lin.bias());
        case Layer.Conv2d c -> new Layer.Conv2d(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(),
            zeroBelow(c.weight(), t), c.bias());
        default -> l;
      };
    });
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ratio", CompressionStep.number(ratio));
    if (global) params.put("global", "true");
    return pruned.withProvenance(m.provenance().withCompression(new CompressionStep.Pruning("unstructured-l1", part, params)));
  }

  /**
   * Smallest value v such that exactly {@code k} elements lie strictly below it after ties are broken by
   * position: returns the k-th smallest (0-based), or -1 for k = 0 (prune nothing).
   */
  private static float kth(float[] a, int k) {
    if (k == 0) return -1f;
    float[] s = a.clone();
    Arrays.sort(s);
    return s[k - 1];
  }

  private static float[] zeroBelow(float[] w, float t) {
    float[] r = w.clone();
    for (int i = 0; i < r.length; i++) if (Math.abs(r[i]) <= t) r[i] = 0f;
    return r;
  }

  /** Fraction of zero weights (not biases) over all weighted layers. */
  public static double sparsity(PolicyModel m) {
    long zeros = 0, n = 0;
    for (Layer l : m.allLayers()) {
      if (!Layer.weighted(l)) continue;
      for (float w : Layer.weights(l)) {
        n++;
        if (w == 0f) zeros++;
      }
    }
    return n == 0 ? 0 : (double) zeros / n;
  }
}

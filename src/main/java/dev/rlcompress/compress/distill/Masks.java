package dev.rlcompress.compress.distill;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Which weights of an MLP action head may be nonzero, per Linear layer (1 keeps, 0 forces zero): how
 * unstructured-pruned weights stay pruned through fine-tuning.
 *
 * @param perLinear one mask per Linear layer of the action head, null where a layer is unmasked
 */
public record Masks(List<float[]> perLinear) {
  /** Nothing masked. */
  public static final Masks NONE = new Masks(List.of());

  public Masks {
    perLinear = java.util.Collections.unmodifiableList(new ArrayList<>(perLinear));
  }

  /** 1 where the weight is nonzero: the mask of an unstructured-pruned model. */
  public static Masks nonzero(PolicyModel m) {
    List<float[]> masks = new ArrayList<>();
    for (Layer l : m.actionHead().layers())
      if (l instanceof Layer.Linear lin) {
        float[] mk = new float[lin.weight().length];
        for (int i = 0; i < mk.length; i++) mk[i] = lin.weight()[i] != 0f ? 1f : 0f;
        masks.add(mk);
      }
    return new Masks(masks);
  }

  /** Zeroes masked weights in place; {@code params} holds weight, bias per Linear layer. */
  void applyTo(float[][] params) {
    for (int l = 0; l < perLinear.size(); l++) {
      float[] mask = perLinear.get(l);
      if (mask == null) continue;
      float[] w = params[2 * l];
      for (int i = 0; i < w.length; i++) w[i] *= mask[i];
    }
  }

  /** {@code m} with the masked weights of its action head set to zero (e.g. rewound initial weights). */
  public PolicyModel apply(PolicyModel m) {
    int[] linear = {0};
    return m.mapLayers((id, layer) -> {
      if (!id.branch().equals(m.actionHead().name()) || !(layer instanceof Layer.Linear lin)) return layer;
      int k = linear[0]++;
      if (k >= perLinear.size() || perLinear.get(k) == null) return layer;
      float[] w = lin.weight().clone(), mask = perLinear.get(k);
      for (int i = 0; i < w.length; i++) w[i] *= mask[i];
      return new Layer.Linear(lin.in(), lin.out(), w, lin.bias());
    });
  }
}

package dev.rlcompress.compress.quantize;

import ai.djl.ndarray.NDArray;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.compress.distill.Distillation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantization-aware fine-tuning of an existing policy: the network is trained with fake quantization
 * in the forward pass and straight-through gradients ({@code x + (q(x) - x).stopGradient()}), so its
 * weights adapt to the rounding they will meet after export. The training signal is distillation from
 * the fp32 policy on its own states (MSE on Q-values, KL on categorical logits), which needs no
 * environment interaction and keeps the policy's behaviour as the target.
 */
public final class QuantAwareTraining {
  public enum Kind {
    /** int8 weights (symmetric) and uint8 activations with the calibrated static ranges. */
    INT8,
    /** binary weights ±α per output channel, activations in fp32. */
    BINARY
  }

  private QuantAwareTraining() {}

  /**
   * @param inputRange uint8 {scale, zp} per selected layer input (INT8 only)
   * @return the fine-tuned fp32 (latent) weights, to be exported with the matching scheme
   */
  public static PolicyModel finetune(PolicyModel m, List<float[]> states, Set<String> selected, Kind kind,
      Map<String, float[]> inputRange, boolean perChannel, int steps, double lr, long seed, Distillation.Loss loss) {
    Head head = m.actionHead();
    List<String> names = new ArrayList<>();
    for (int idx = 0; idx < head.layers().size(); idx++)
      if (head.layers().get(idx) instanceof Layer.Linear) names.add(head.name() + "." + idx);
    Distillation.Hooks hooks = new Distillation.Hooks() {
      @Override
      public NDArray input(int l, NDArray x) {
        if (kind != Kind.INT8 || !selected.contains(names.get(l))) return x;
        float[] r = inputRange.get(names.get(l));
        return fakeQuantAct(x, r[0], r[1]);
      }

      @Override
      public NDArray weight(int l, NDArray w) {
        if (!selected.contains(names.get(l))) return w;
        return kind == Kind.INT8 ? fakeQuantWeight(w, perChannel) : binarize(w);
      }
    };
    return Distillation.finetune(m, m, states, hooks, null, steps, lr, seed, loss);
  }

  /** uint8 fake quantization with a fixed (calibrated) scale and zero point; straight-through gradient. */
  static NDArray fakeQuantAct(NDArray x, float scale, float zp) {
    NDArray q = x.div(scale).round().add(zp).clip(0, 255).sub(zp).mul(scale);
    return x.add(q.sub(x).stopGradient());
  }

  /** Symmetric int8 fake quantization of [out, in] weights, per row or per tensor; straight-through. */
  static NDArray fakeQuantWeight(NDArray w, boolean perChannel) {
    NDArray maxAbs = perChannel ? w.abs().max(new int[] {1}, true) : w.abs().max();
    NDArray s = maxAbs.div(127f).maximum(1e-12f).stopGradient();
    NDArray q = w.div(s).round().clip(-127, 127).mul(s);
    return w.add(q.sub(w).stopGradient());
  }

  /** ±α per row with α = mean |w| (detached); straight-through sign. */
  static NDArray binarize(NDArray w) {
    NDArray alpha = w.abs().mean(new int[] {1}, true).stopGradient();
    NDArray signs = w.gte(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(2f).sub(1f);
    NDArray b = signs.mul(alpha);
    return w.add(b.sub(w).stopGradient());
  }
}

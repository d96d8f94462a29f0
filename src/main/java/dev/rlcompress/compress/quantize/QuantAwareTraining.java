package dev.rlcompress.compress.quantize;

import ai.djl.ndarray.NDArray;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.train.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantization-aware fine-tuning of an existing policy: the network is trained with fake quantization
 * in the forward pass and straight-through gradients ({@code x + (q(x) - x).stopGradient()}), so its
 * weights adapt to the rounding they will meet after export. The training signal is distillation from
 * the fp32 policy on its own states ({@link Distiller}), which needs no environment interaction and
 * keeps the policy's behaviour as the target.
 */
public final class QuantAwareTraining {
  private QuantAwareTraining() {}

  /** What the forward pass simulates. */
  public sealed interface FakeQuant {
    /** int8 symmetric weights and uint8 activations with the calibrated static parameters of each layer input. */
    record Int8(Map<LayerId, QuantParams> inputs, boolean perChannel) implements FakeQuant {
      public Int8 {
        inputs = Map.copyOf(inputs);
      }
    }

    /** Binary weights ±α per output channel, activations in fp32. */
    record Binary() implements FakeQuant {}
  }

  /**
   * @param selected the layers that will be quantized (others train in plain fp32)
   * @return the fine-tuned fp32 (latent) weights, to be exported with the matching scheme
   */
  public static PolicyModel finetune(PolicyModel m, List<float[]> states, Set<LayerId> selected, FakeQuant kind,
      Distiller.Config config) {
    for (LayerId id : selected)
      if (id.inTrunk())
        throw new dev.rlcompress.util.UserError("fine-tuning trains a pixel policy's head only (its convolutions stay as "
            + "trained); quantize with --part head, or use ptsq for the convolutions");
    Head head = m.actionHead();
    List<LayerId> linears = new ArrayList<>();
    for (int idx = 0; idx < head.layers().size(); idx++)
      if (head.layers().get(idx) instanceof Layer.Linear) linears.add(LayerId.of(head, idx));
    Mlp.Hooks hooks = new Mlp.Hooks() {
      @Override
      public NDArray input(int l, NDArray x) {
        if (!(kind instanceof FakeQuant.Int8 q) || !selected.contains(linears.get(l))) return x;
        return fakeQuantAct(x, q.inputs().get(linears.get(l)));
      }

      @Override
      public NDArray weight(int l, NDArray w) {
        if (!selected.contains(linears.get(l))) return w;
        return kind instanceof FakeQuant.Int8 q ? fakeQuantWeight(w, q.perChannel()) : binarize(w);
      }
    };
    return Distiller.distill(m, m, states, config, hooks, null);
  }

  /** uint8 fake quantization with a fixed (calibrated) scale and zero point; straight-through gradient. */
  static NDArray fakeQuantAct(NDArray x, QuantParams p) {
    float zp = p.zeroPoint();
    NDArray q = x.div(p.scale()).round().add(zp).clip(0, 255).sub(zp).mul(p.scale());
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

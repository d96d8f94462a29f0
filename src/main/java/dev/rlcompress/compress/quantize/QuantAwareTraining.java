package dev.rlcompress.compress.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.train.Adam;
import dev.rlcompress.train.Mlp;
import dev.rlcompress.train.Torch;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

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
      Map<String, float[]> inputRange, boolean perChannel, int steps, double lr, long seed) {
    if (!m.trunk().isEmpty() || m.normalization() != null)
      throw new UserError("quantization-aware fine-tuning supports MLP policies without a trunk or normalization");
    Head head = m.actionHead();
    Mlp net;
    try {
      net = Mlp.fromLayers(head.layers());
    } catch (IllegalArgumentException e) {
      throw new UserError("quantization-aware fine-tuning supports MLP policies only: " + e.getMessage());
    }
    boolean kl = head.kind() instanceof HeadKind.Categorical;
    int in = m.inputSize(), out = m.outputSize(), n = states.size(), batch = Math.min(256, n);
    float[] teacher = new float[n * out], x = new float[n * in];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m.forward(states.get(i)), 0, teacher, i * out, out);
      System.arraycopy(states.get(i), 0, x, i * in, in);
    }
    int linears = net.sizes().length - 1;
    String[] names = new String[linears];
    for (int j = 0, idx = 0; idx < head.layers().size(); idx++)
      if (head.layers().get(idx) instanceof Layer.Linear) names[j++] = head.name() + "." + idx;

    Adam adam = new Adam(paramsOf(net), 0.9, 0.999, 1e-8);
    SplittableRandom rng = new SplittableRandom(seed);
    try (NDManager manager = Torch.newManager()) {
      for (int step = 0; step < steps; step++) {
        float[] bx = new float[batch * in], bt = new float[batch * out];
        for (int b = 0; b < batch; b++) {
          int j = rng.nextInt(n);
          System.arraycopy(x, j * in, bx, b * in, in);
          System.arraycopy(teacher, j * out, bt, b * out, out);
        }
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
          NDList p = net.toTensors(sub, true);
          NDArray h = sub.create(bx, new Shape(batch, in));
          NDArray t = sub.create(bt, new Shape(batch, out));
          try (GradientCollector gc = Torch.engine().newGradientCollector()) {
            for (int l = 0; l < linears; l++) {
              NDArray w = p.get(2 * l);
              boolean q = selected.contains(names[l]);
              if (q && kind == Kind.INT8) {
                float[] r = inputRange.get(names[l]);
                h = fakeQuantAct(h, r[0], r[1]);
                w = fakeQuantWeight(w, perChannel);
              } else if (q) {
                w = binarize(w);
              }
              h = h.matMul(w.transpose()).add(p.get(2 * l + 1));
              if (l + 1 < linears) h = net.activation() == Layer.Activation.Kind.RELU ? h.maximum(0f) : h.tanh();
            }
            NDArray loss;
            if (kl) {
              NDArray lt = t.logSoftmax(1), ls = h.logSoftmax(1);
              loss = lt.exp().mul(lt.sub(ls)).sum(new int[] {1}).mean();
            } else {
              loss = h.sub(t).square().mean();
            }
            gc.backward(loss);
          }
          grads = Mlp.gradients(p);
        }
        adam.step(paramsOf(net), grads, lr, 10.0);
      }
    }
    List<Layer> layers = net.toLayers();
    return new PolicyModel(m.inputShape(), null, List.of(), List.of(new Head(head.name(), head.kind(), layers)), m.provenance());
  }

  private static float[][] paramsOf(Mlp net) {
    List<float[]> p = new ArrayList<>();
    for (Layer l : net.toLayersView()) if (l instanceof Layer.Linear lin) {
      p.add(lin.weight());
      p.add(lin.bias());
    }
    return p.toArray(new float[0][]);
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

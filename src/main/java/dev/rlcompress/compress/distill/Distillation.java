package dev.rlcompress.compress.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.model.Forward;
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
import java.util.SplittableRandom;

/**
 * Policy distillation (Rusu et al. 2016): trains a student MLP to reproduce a teacher policy's outputs
 * on the teacher's own states — MSE on Q-values, KL(teacher ‖ student) on categorical logits. The one
 * fine-tuning loop behind quantization-aware training (hooks fake-quantize), binary weights (hooks
 * binarize), and prune-then-fine-tune (a mask keeps pruned weights at zero). Needs no environment
 * interaction, so fine-tuning cost is a few seconds, and the teacher's behaviour is the target.
 */
public final class Distillation {
  private Distillation() {}

  /** Transformations inside the student's forward pass, per Linear layer (index among Linear layers). */
  public interface Hooks {
    default NDArray input(int linear, NDArray x) {
      return x;
    }

    default NDArray weight(int linear, NDArray w) {
      return w;
    }
  }

  public static final Hooks NONE = new Hooks() {};

  /** An extra loss term on the student's parameters (weight, bias per Linear layer, in order). */
  public interface Regularizer {
    NDArray penalty(NDList params);
  }

  /**
   * The distillation loss. {@code temperature} NaN: MSE on Q-values (keeps their meaning) and
   * KL(teacher ‖ student) on categorical logits. A finite temperature τ: KL(softmax(teacher/τ) ‖
   * softmax(student)) for either head, Rusu et al.'s policy distillation (τ = 0.01 for DQN): the student
   * becomes a large-margin action scorer whose greedy action survives coarse arithmetic, but its
   * outputs are no longer Q-values.
   */
  public record Loss(double temperature) {
    public static final Loss DEFAULT = new Loss(Double.NaN);

    public boolean sharpened() {
      return !Double.isNaN(temperature);
    }
  }

  public static PolicyModel finetune(PolicyModel student, PolicyModel teacher, List<float[]> states, Hooks hooks,
      float[][] masks, int steps, double lr, long seed) {
    return finetune(student, teacher, states, hooks, masks, steps, lr, seed, Loss.DEFAULT);
  }

  /**
   * @param masks per Linear layer, 1 where a weight may be nonzero (null for no mask); applied after
   *     every update so pruned weights stay pruned
   * @return the student with fine-tuned weights, provenance of the student
   */
  public static PolicyModel finetune(PolicyModel student, PolicyModel teacher, List<float[]> states, Hooks hooks,
      float[][] masks, int steps, double lr, long seed, Loss lossKind) {
    return finetune(student, teacher, states, hooks, masks, steps, lr, seed, lossKind, null);
  }

  /** As above, adding {@code regularizer}'s penalty (null for none) to the distillation loss. */
  public static PolicyModel finetune(PolicyModel student, PolicyModel teacher, List<float[]> states, Hooks hooks,
      float[][] masks, int steps, double lr, long seed, Loss lossKind, Regularizer regularizer) {
    if (!student.trunk().isEmpty() || student.normalization() != null)
      throw new UserError("distillation fine-tuning supports MLP policies without a trunk or normalization");
    if (states.isEmpty()) throw new UserError("distillation needs at least one state");
    Head head = student.actionHead();
    Mlp net;
    try {
      net = Mlp.fromLayers(head.layers());
    } catch (IllegalArgumentException e) {
      throw new UserError("distillation fine-tuning supports MLP policies only: " + e.getMessage());
    }
    boolean kl = lossKind.sharpened() || head.kind() instanceof HeadKind.Categorical;
    float invTemperature = lossKind.sharpened() ? (float) (1.0 / lossKind.temperature()) : 1f;
    int in = student.inputSize(), out = student.outputSize(), n = states.size(), batch = Math.min(256, n);
    float[] target = new float[n * out], x = new float[n * in];
    for (int i = 0; i < n; i++) {
      // The teacher's head layers' output, before a continuous head's squashing: what the student's layers learn.
      System.arraycopy(Forward.trace(teacher, teacher.actionHead(), states.get(i), (name, v) -> {}), 0, target, i * out, out);
      System.arraycopy(states.get(i), 0, x, i * in, in);
    }
    float[][] params = params(net);
    int linears = params.length / 2;
    applyMasks(params, masks);
    Adam adam = new Adam(params, 0.9, 0.999, 1e-8);
    SplittableRandom rng = new SplittableRandom(seed);
    try (NDManager manager = Torch.newManager()) {
      for (int step = 0; step < steps; step++) {
        float[] bx = new float[batch * in], bt = new float[batch * out];
        for (int b = 0; b < batch; b++) {
          int j = rng.nextInt(n);
          System.arraycopy(x, j * in, bx, b * in, in);
          System.arraycopy(target, j * out, bt, b * out, out);
        }
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
          NDList p = net.toTensors(sub, true);
          NDArray h = sub.create(bx, new Shape(batch, in));
          NDArray t = sub.create(bt, new Shape(batch, out));
          try (GradientCollector gc = Torch.engine().newGradientCollector()) {
            for (int l = 0; l < linears; l++) {
              h = hooks.input(l, h);
              h = h.matMul(hooks.weight(l, p.get(2 * l)).transpose()).add(p.get(2 * l + 1));
              if (l + 1 < linears) h = net.activation() == Layer.Activation.Kind.RELU ? h.maximum(0f) : h.tanh();
            }
            NDArray loss;
            if (kl) {
              NDArray lt = t.mul(invTemperature).logSoftmax(1), ls = h.logSoftmax(1);
              loss = lt.exp().mul(lt.sub(ls)).sum(new int[] {1}).mean();
            } else {
              loss = h.sub(t).square().mean();
            }
            if (regularizer != null) loss = loss.add(regularizer.penalty(p));
            gc.backward(loss);
          }
          grads = Mlp.gradients(p);
        }
        adam.step(params, grads, lr, 10.0);
        applyMasks(params, masks);
      }
    }
    return new PolicyModel(student.inputShape(), null, List.of(),
        List.of(new Head(head.name(), head.kind(), net.toLayers())), student.provenance());
  }

  private static void applyMasks(float[][] params, float[][] masks) {
    if (masks == null) return;
    for (int l = 0; l < masks.length; l++) {
      if (masks[l] == null) continue;
      float[] w = params[2 * l];
      for (int i = 0; i < w.length; i++) w[i] *= masks[l][i];
    }
  }

  /** The live weight and bias arrays of {@code net}, in order. */
  private static float[][] params(Mlp net) {
    List<float[]> p = new ArrayList<>();
    for (Layer l : net.toLayersView())
      if (l instanceof Layer.Linear lin) {
        p.add(lin.weight());
        p.add(lin.bias());
      }
    return p.toArray(new float[0][]);
  }

  /** 1 where the weight is nonzero, per Linear layer of an MLP head: the mask of an unstructured-pruned model. */
  public static float[][] nonzeroMasks(PolicyModel m) {
    List<float[]> masks = new ArrayList<>();
    for (Layer l : m.actionHead().layers())
      if (l instanceof Layer.Linear lin) {
        float[] mk = new float[lin.weight().length];
        for (int i = 0; i < mk.length; i++) mk[i] = lin.weight()[i] != 0f ? 1f : 0f;
        masks.add(mk);
      }
    return masks.toArray(new float[0][]);
  }
}

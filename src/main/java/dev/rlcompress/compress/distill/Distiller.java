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
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.train.Adam;
import dev.rlcompress.train.Mlp;
import dev.rlcompress.train.Torch;
import dev.rlcompress.util.Lists;
import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Policy distillation (Rusu et al. 2016): trains a student MLP (or a pixel policy's MLP head on its
 * frozen convolutional features) to reproduce a teacher policy's outputs
 * on the teacher's own states. The one fine-tuning loop behind quantization-aware training (hooks
 * fake-quantize), binary weights (hooks binarize), prune-then-fine-tune ({@link Masks} keep pruned
 * weights at zero) and group-norm sparse training (a {@link Regularizer}). Needs no environment
 * interaction, so fine-tuning costs seconds, and the teacher's behaviour is the target.
 */
public final class Distiller {
  private Distiller() {}

  /** Most states a pixel policy distils on (its features are computed one state at a time in Java). */
  static final int MAX_PIXEL_STATES = 4096;

  /**
   * How to fine-tune.
   *
   * @param steps gradient steps (0 leaves the weights as they are, masks applied)
   * @param lr Adam learning rate
   * @param batch states per step (at most the number of states)
   * @param clip global gradient-norm clip (not positive: none)
   * @param temperature NaN: MSE on Q-values (keeps their meaning) and KL(teacher ‖ student) on
   *     categorical logits. A finite τ: KL(softmax(teacher/τ) ‖ softmax(student)) for either head, Rusu et
   *     al.'s sharpened policy distillation (τ = 0.01 for DQN): the student becomes a large-margin
   *     action scorer whose greedy action survives coarse arithmetic, but its outputs are no longer Q-values
   * @param masks weights held at zero
   * @param seed batch sampling
   */
  public record Config(int steps, double lr, int batch, double clip, double temperature, Masks masks, long seed) {
    public Config {
      if (steps < 0) throw new UserError("fine-tuning steps must not be negative (got " + steps + ")");
      if (!(lr > 0) || Double.isInfinite(lr)) throw new UserError("fine-tuning learning rate must be a positive number (got " + lr + ")");
      if (batch <= 0) throw new UserError("fine-tuning batch must be positive (got " + batch + ")");
      if (!Double.isNaN(temperature) && !(temperature > 0 && Double.isFinite(temperature)))
        throw new UserError("distillation temperature must be positive (got " + temperature + ")");
      if (masks == null) masks = Masks.NONE;
    }

    /** {@code steps} at {@code lr}, batch 256, gradient norm clipped at 10, no temperature, no masks, seed 0. */
    public static Config of(int steps, double lr) {
      return new Config(steps, lr, 256, 10.0, Double.NaN, Masks.NONE, 0);
    }

    public Config withSteps(int s) {
      return new Config(s, lr, batch, clip, temperature, masks, seed);
    }

    public Config withLr(double rate) {
      return new Config(steps, rate, batch, clip, temperature, masks, seed);
    }

    public Config withTemperature(double tau) {
      return new Config(steps, lr, batch, clip, tau, masks, seed);
    }

    public Config withMasks(Masks m) {
      return new Config(steps, lr, batch, clip, temperature, m, seed);
    }

    public Config withSeed(long s) {
      return new Config(steps, lr, batch, clip, temperature, masks, s);
    }

    public boolean sharpened() {
      return !Double.isNaN(temperature);
    }
  }

  /** An extra loss term on the student's parameters (weight, bias per Linear layer, in order). */
  public interface Regularizer {
    NDArray penalty(NDList params);
  }

  /** Plain distillation: no hooks in the forward pass, no regularizer. */
  public static PolicyModel distill(PolicyModel student, PolicyModel teacher, List<float[]> states, Config config) {
    return distill(student, teacher, states, config, Mlp.Hooks.NONE, null);
  }

  /**
   * @param hooks applied inside the student's forward pass (fake quantization, binarization)
   * @param regularizer added to the loss; null for none
   * @return the student with fine-tuned weights (masked weights zero), the student's provenance
   */
  public static PolicyModel distill(PolicyModel student, PolicyModel teacher, List<float[]> states, Config config,
      Mlp.Hooks hooks, Regularizer regularizer) {
    if (states.isEmpty()) throw new UserError("distillation needs at least one state");
    for (Layer l : student.trunk())
      if (l instanceof Layer.Linear)
        throw new UserError("distillation fine-tuning supports MLP policies and pixel policies (convolutional features, MLP head)");
    Head head = student.actionHead();
    Mlp net;
    try {
      net = Mlp.fromLayers(head.layers());
    } catch (IllegalArgumentException e) {
      throw new UserError("distillation fine-tuning supports MLP policies only: " + e.getMessage());
    }
    boolean kl = config.sharpened() || head.kind() instanceof HeadKind.Categorical;
    float invTemperature = config.sharpened() ? (float) (1.0 / config.temperature()) : 1f;
    // A pixel policy's convolutional trunk stays as it is: the head learns on its features, computed once.
    // Those come from the Java reference pass, one state at a time, so pixel states are capped.
    List<Layer> frozen = student.trunk();
    if (!frozen.isEmpty()) states = Lists.evenlySpaced(states, MAX_PIXEL_STATES);
    int[] featureShape = student.inputShape();
    for (Layer l : frozen) featureShape = Forward.shapeAfter(l, featureShape);
    int in = java.util.Arrays.stream(featureShape).reduce(1, (a, b) -> a * b);
    int out = student.outputSize(), n = states.size(), batch = Math.min(config.batch(), n);
    float[] target = new float[n * out], x = new float[n * in];
    // The student's observation normalization is frozen (it is not a trained layer): its layers learn on
    // normalized states, and it keeps the normalization it came with.
    Normalization norm = student.normalization();
    for (int i = 0; i < n; i++) {
      // The teacher's head layers' output, before a continuous head's squashing: what the student's layers learn.
      System.arraycopy(Forward.trace(teacher, teacher.actionHead(), states.get(i), (id, v) -> {}), 0, target, i * out, out);
      float[] xi = norm == null ? states.get(i) : norm.apply(states.get(i));
      if (!frozen.isEmpty()) xi = Forward.layers(frozen, xi, student.inputShape());
      System.arraycopy(xi, 0, x, i * in, in);
    }
    float[][] params = net.parameters();
    config.masks().applyTo(params);
    Adam adam = new Adam(params, 0.9, 0.999, 1e-8);
    SplittableRandom rng = new SplittableRandom(config.seed());
    try (NDManager manager = Torch.newManager()) {
      for (int step = 0; step < config.steps(); step++) {
        float[] bx = new float[batch * in], bt = new float[batch * out];
        for (int b = 0; b < batch; b++) {
          int j = rng.nextInt(n);
          System.arraycopy(x, j * in, bx, b * in, in);
          System.arraycopy(target, j * out, bt, b * out, out);
        }
        float[][] grads;
        try (NDManager sub = manager.newSubManager()) {
          NDList p = net.toTensors(sub, true);
          NDArray t = sub.create(bt, new Shape(batch, out));
          try (GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray h = net.forward(p, sub.create(bx, new Shape(batch, in)), hooks);
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
        adam.step(params, grads, config.lr(), config.clip());
        config.masks().applyTo(params);
      }
    }
    return new PolicyModel(student.inputShape(), norm, frozen,
        List.of(new Head(head.name(), head.kind(), net.toLayers())), student.provenance());
  }
}

package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.rlcompress.model.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A trainable feed-forward network of convolutions, fully connected layers and their activations: the
 * pieces the pixel policies (Nature CNN, the RND study's network) and RND's target and predictor are
 * built from. Like {@link Mlp}, its parameters live in Java arrays (the source of truth that
 * checkpoints and {@link Adam} work on) and are copied into PyTorch tensors where autograd is needed;
 * unlike {@link Mlp} its forward pass always runs in PyTorch, batched, because a Java convolution is far
 * too slow for rollouts (one Nature-CNN frame is ~9 M multiply-adds).
 *
 * <p>Initialisation is orthogonal with a gain per layer, biases zero (as SB3's and CleanRL's Atari
 * agents do; a convolution's weight is orthogonalised as an [out, in·k·k] matrix, as
 * {@code torch.nn.init.orthogonal_} flattens it).
 */
final class ConvNet {
  /** One layer of the recipe. */
  sealed interface Spec permits Conv, Dense, Relu, LeakyRelu, Flatten {}

  /** Convolution with {@code out} channels, a square kernel, no padding; orthogonal init with {@code gain}. */
  record Conv(int out, int kernel, int stride, double gain) implements Spec {}

  /** Fully connected layer to {@code out} units; orthogonal init with {@code gain}. */
  record Dense(int out, double gain) implements Spec {}

  record Relu() implements Spec {}

  /** PyTorch's LeakyReLU (slope 0.01), which RND's target and predictor use; not exportable. */
  record LeakyRelu() implements Spec {}

  /** NCHW to N×(C·H·W), channel-major, as {@link Layer.Flatten}. */
  record Flatten() implements Spec {}

  static final float LEAKY_SLOPE = 0.01f;

  private final int[] inShape;
  private final List<Spec> specs;
  /** Shape before each spec (no batch dimension), and after the last. */
  private final List<int[]> shapes;
  /** Weight then bias of each weighted layer, in order. */
  final float[][] params;

  ConvNet(int[] inShape, List<Spec> specs, RandomGenerator rng) {
    this.inShape = inShape.clone();
    this.specs = List.copyOf(specs);
    this.shapes = shapes(inShape, specs);
    List<float[]> p = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      int[] s = shapes.get(i);
      switch (specs.get(i)) {
        case Conv c -> {
          p.add(Init.orthogonal(c.out(), s[0] * c.kernel() * c.kernel(), c.gain(), rng));
          p.add(new float[c.out()]);
        }
        case Dense d -> {
          p.add(Init.orthogonal(d.out(), s[0], d.gain(), rng));
          p.add(new float[d.out()]);
        }
        default -> {}
      }
    }
    this.params = p.toArray(new float[0][]);
  }

  private ConvNet(ConvNet o) {
    this.inShape = o.inShape;
    this.specs = o.specs;
    this.shapes = o.shapes;
    this.params = new float[o.params.length][];
    for (int i = 0; i < params.length; i++) params[i] = o.params[i].clone();
  }

  private static List<int[]> shapes(int[] in, List<Spec> specs) {
    List<int[]> out = new ArrayList<>();
    int[] s = in.clone();
    out.add(s);
    for (Spec sp : specs) {
      s = switch (sp) {
        case Conv c -> {
          if (s.length != 3) throw new IllegalArgumentException("a convolution needs a [C, H, W] input");
          int h = (s[1] - c.kernel()) / c.stride() + 1, w = (s[2] - c.kernel()) / c.stride() + 1;
          if (h <= 0 || w <= 0) throw new IllegalArgumentException("the input is too small for " + c);
          yield new int[] {c.out(), h, w};
        }
        case Dense d -> {
          if (s.length != 1) throw new IllegalArgumentException("a dense layer needs a flat input");
          yield new int[] {d.out()};
        }
        case Flatten f -> new int[] {size(s)};
        case Relu r -> s;
        case LeakyRelu r -> s;
      };
      out.add(s);
    }
    return out;
  }

  private static int size(int[] s) {
    int n = 1;
    for (int d : s) n *= d;
    return n;
  }

  ConvNet copy() {
    return new ConvNet(this);
  }

  void copyFrom(ConvNet o) {
    for (int i = 0; i < params.length; i++) System.arraycopy(o.params[i], 0, params[i], 0, params[i].length);
  }

  int[] inShape() {
    return inShape.clone();
  }

  /** Output shape without the batch dimension. */
  int[] outShape() {
    return shapes.getLast().clone();
  }

  /** Copies the parameters into tensors owned by {@code m}, tracking gradients if asked. */
  NDList toTensors(NDManager m, boolean requiresGrad) {
    NDList list = new NDList();
    int k = 0;
    for (int i = 0; i < specs.size(); i++) {
      int[] s = shapes.get(i);
      Shape w = switch (specs.get(i)) {
        case Conv c -> new Shape(c.out(), s[0], c.kernel(), c.kernel());
        case Dense d -> new Shape(d.out(), s[0]);
        default -> null;
      };
      if (w == null) continue;
      NDArray wt = m.create(params[k], w), bt = m.create(params[k + 1], new Shape(w.get(0)));
      if (requiresGrad) {
        wt.setRequiresGradient(true);
        bt.setRequiresGradient(true);
      }
      list.add(wt);
      list.add(bt);
      k += 2;
    }
    return list;
  }

  /** Batched forward in PyTorch: {@code x} [B, ...inShape] to [B, ...outShape]. */
  NDArray forward(NDList tensors, NDArray x) {
    int k = 0;
    for (int i = 0; i < specs.size(); i++) {
      Spec sp = specs.get(i);
      int[] s = shapes.get(i);
      x = switch (sp) {
        case Conv c -> {
          NDArray y = conv(x, tensors.get(k), tensors.get(k + 1), c.stride(), s);
          k += 2;
          yield y;
        }
        case Dense d -> {
          NDArray y = x.matMul(tensors.get(k).transpose()).add(tensors.get(k + 1));
          k += 2;
          yield y;
        }
        case Relu r -> x.maximum(0f);
        case LeakyRelu r -> ai.djl.nn.Activation.leakyRelu(x, LEAKY_SLOPE);
        case Flatten f -> x.reshape(x.getShape().get(0), -1);
      };
    }
    return x;
  }

  /**
   * A strided convolution, computed as an equivalent stride-1 one where the stride divides the kernel
   * and the input: space-to-depth turns x [B, C, H, W] into [B, C·s², H/s, W/s] and the kernel
   * [O, C, k, k] into [O, C·s², k/s, k/s] (the same sum of products, in another order). PyTorch's CPU
   * backward pass for a stride-4 8×8 kernel is slow: on one thread the Nature CNN's first layer took
   * ~390 ms forward and backward at batch 256, and ~100 ms this way, measured on this machine. The
   * gradient reaches the original [O, C, k, k] weight through the reshapes.
   */
  private static NDArray conv(NDArray x, NDArray w, NDArray b, int stride, int[] in) {
    long k = w.getShape().get(2);
    if (stride == 1 || k % stride != 0 || in[1] % stride != 0 || in[2] % stride != 0)
      return Conv2d.conv2d(x, w, b, new Shape(stride, stride)).singletonOrThrow();
    long batch = x.getShape().get(0), c = in[0], h = in[1] / stride, wd = in[2] / stride, o = w.getShape().get(0), ks = k / stride;
    NDArray xs = x.reshape(batch, c, h, stride, wd, stride).transpose(0, 1, 3, 5, 2, 4).reshape(batch, c * stride * stride, h, wd);
    NDArray ws = w.reshape(o, c, ks, stride, ks, stride).transpose(0, 1, 3, 5, 2, 4).reshape(o, c * stride * stride, ks, ks);
    return Conv2d.conv2d(xs, ws, b, new Shape(1, 1)).singletonOrThrow();
  }

  /** Gradients of the tensors made by {@link #toTensors} after backward, as Java arrays. */
  static float[][] gradients(NDList tensors) {
    return Mlp.gradients(tensors);
  }

  /** Snapshot as model layers (copies the weights); fails for LeakyReLU, which the model does not have. */
  List<Layer> toLayers() {
    List<Layer> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < specs.size(); i++) {
      int[] s = shapes.get(i);
      switch (specs.get(i)) {
        case Conv c -> {
          out.add(new Layer.Conv2d(s[0], c.out(), c.kernel(), c.stride(), 0, params[k].clone(), params[k + 1].clone()));
          k += 2;
        }
        case Dense d -> {
          out.add(new Layer.Linear(s[0], d.out(), params[k].clone(), params[k + 1].clone()));
          k += 2;
        }
        case Relu r -> out.add(new Layer.Activation(Layer.Activation.Kind.RELU));
        case Flatten f -> out.add(new Layer.Flatten());
        case LeakyRelu r -> throw new IllegalStateException("LeakyReLU has no model layer; this network is not exportable");
      }
    }
    return out;
  }

  /** All parameter arrays of several networks, in order: what one optimiser steps. */
  static float[][] parameters(ConvNet... nets) {
    List<float[]> all = new ArrayList<>();
    for (ConvNet n : nets) all.addAll(List.of(n.params));
    return all.toArray(new float[0][]);
  }
}

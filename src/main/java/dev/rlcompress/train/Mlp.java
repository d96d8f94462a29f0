package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Layer;
import java.util.ArrayList;
import java.util.List;


/**
 * A trainable multilayer perceptron whose parameters live in Java arrays. Each optimisation step copies
 * them into PyTorch tensors, lets autograd compute the loss gradient, and {@link Adam} updates the
 * arrays. Keeping the source of truth in Java makes checkpoints plain arrays and lets rollouts run the
 * Java forward pass without a JNI call per environment step.
 */
public final class Mlp {
  private final int[] sizes;
  private final Layer.Activation.Kind activation;
  /** For layer i: weights [out][in] row-major, then biases; indices 2i and 2i+1. */
  final float[][] params;

  /**
   * @param sizes layer widths from input to output, e.g. {8, 256, 256, 4}
   * @param outputGain orthogonal-init gain of the last layer (SB3: 0.01 for policy logits, 1 for values);
   *     hidden layers use sqrt(2). A NaN gain selects PyTorch's default uniform init instead.
   */
  public Mlp(int[] sizes, Layer.Activation.Kind activation, double outputGain, java.util.random.RandomGenerator rng) {
    this.sizes = sizes.clone();
    this.activation = activation;
    this.params = new float[2 * (sizes.length - 1)][];
    for (int i = 0; i + 1 < sizes.length; i++) {
      int in = sizes[i], out = sizes[i + 1];
      boolean last = i + 2 == sizes.length;
      if (Double.isNaN(outputGain)) {
        params[2 * i] = Init.torchDefault(out, in, rng);
        params[2 * i + 1] = Init.torchDefaultBias(out, in, rng);
      } else {
        params[2 * i] = Init.orthogonal(out, in, last ? outputGain : Math.sqrt(2), rng);
        params[2 * i + 1] = new float[out];
      }
    }
  }

  private Mlp(int[] sizes, Layer.Activation.Kind activation, float[][] params) {
    this.sizes = sizes.clone();
    this.activation = activation;
    this.params = params;
  }

  public Mlp copy() {
    float[][] p = new float[params.length][];
    for (int i = 0; i < p.length; i++) p[i] = params[i].clone();
    return new Mlp(sizes, activation, p);
  }

  public void copyFrom(Mlp other) {
    for (int i = 0; i < params.length; i++) System.arraycopy(other.params[i], 0, params[i], 0, params[i].length);
  }

  /**
   * Polyak (soft) target update {@code this = (1 - tau) this + tau source}, as SB3's polyak_update:
   * what keeps the off-policy learners' target networks trailing their online networks.
   */
  public void polyak(Mlp source, double tau) {
    float keep = (float) (1 - tau), take = (float) tau;
    for (int p = 0; p < params.length; p++) {
      float[] t = params[p], s = source.params[p];
      for (int i = 0; i < t.length; i++) t[i] = t[i] * keep + s[i] * take;
    }
  }

  public int[] sizes() {
    return sizes.clone();
  }

  public int output() {
    return sizes[sizes.length - 1];
  }

  public Layer.Activation.Kind activation() {
    return activation;
  }

  /** Snapshot as model layers (copies the weights). */
  public List<Layer> toLayers() {
    return layers(true);
  }

  private List<Layer> layers(boolean copy) {
    List<Layer> ls = new ArrayList<>();
    for (int i = 0; i + 1 < sizes.length; i++) {
      float[] w = copy ? params[2 * i].clone() : params[2 * i];
      float[] b = copy ? params[2 * i + 1].clone() : params[2 * i + 1];
      ls.add(new Layer.Linear(sizes[i], sizes[i + 1], w, b));
      if (i + 2 < sizes.length) ls.add(new Layer.Activation(activation));
    }
    return ls;
  }

  /**
   * The live parameter arrays (weight, bias per layer, in order): what an optimiser updates in place.
   * The network owns them; layers made by {@link #toLayers()} are copies.
   */
  public float[][] parameters() {
    return params;
  }

  /** Rebuilds from model layers (Linear/activation alternation as produced by {@link #toLayers()}). */
  public static Mlp fromLayers(List<Layer> layers) {
    List<Layer.Linear> lins = new ArrayList<>();
    Layer.Activation.Kind act = Layer.Activation.Kind.RELU;
    for (Layer l : layers) {
      if (l instanceof Layer.Linear lin) lins.add(lin);
      else if (l instanceof Layer.Activation a) act = a.kind();
      else throw new IllegalArgumentException("not an MLP layer: " + l);
    }
    int[] sizes = new int[lins.size() + 1];
    float[][] p = new float[2 * lins.size()][];
    sizes[0] = lins.get(0).in();
    for (int i = 0; i < lins.size(); i++) {
      sizes[i + 1] = lins.get(i).out();
      p[2 * i] = lins.get(i).weight().clone();
      p[2 * i + 1] = lins.get(i).bias().clone();
    }
    return new Mlp(sizes, act, p);
  }

  /** Java forward pass of one input with the current weights. */
  public float[] forward(float[] x) {
    return Forward.layers(layers(false), x, new int[] {sizes[0]});
  }

  /** Copies the parameters into tensors owned by {@code m}, tracking gradients if asked. */
  public NDList toTensors(NDManager m, boolean requiresGrad) {
    NDList list = new NDList();
    for (int i = 0; i + 1 < sizes.length; i++) {
      NDArray w = m.create(params[2 * i], new Shape(sizes[i + 1], sizes[i]));
      NDArray b = m.create(params[2 * i + 1], new Shape(sizes[i + 1]));
      if (requiresGrad) {
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
      }
      list.add(w);
      list.add(b);
    }
    return list;
  }

  /** Transformations inside the tensor forward pass, per layer (fake quantization, binarization). */
  public interface Hooks {
    Hooks NONE = new Hooks() {};

    /** The input of layer {@code layer} before its matrix product. */
    default NDArray input(int layer, NDArray x) {
      return x;
    }

    /** The weights layer {@code layer} multiplies by. */
    default NDArray weight(int layer, NDArray w) {
      return w;
    }
  }

  /** Batched forward in PyTorch: x [B, in] → [B, out]. */
  public NDArray forward(NDList tensors, NDArray x) {
    return forward(tensors, x, Hooks.NONE);
  }

  /** Batched forward with {@code hooks} applied to each layer's input and weights. */
  public NDArray forward(NDList tensors, NDArray x, Hooks hooks) {
    int n = sizes.length - 1;
    for (int i = 0; i < n; i++) {
      x = hooks.input(i, x);
      x = x.matMul(hooks.weight(i, tensors.get(2 * i)).transpose()).add(tensors.get(2 * i + 1));
      if (i + 1 < n) x = activation == Layer.Activation.Kind.RELU ? x.maximum(0f) : x.tanh();
    }
    return x;
  }

  /** Gradients of the tensors made by {@link #toTensors} after backward, as Java arrays. */
  public static float[][] gradients(NDList tensors) {
    float[][] g = new float[tensors.size()][];
    for (int i = 0; i < g.length; i++) g[i] = tensors.get(i).getGradient().toFloatArray();
    return g;
  }
}

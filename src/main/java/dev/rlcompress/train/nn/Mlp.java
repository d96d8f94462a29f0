package dev.rlcompress.train.nn;

import dev.rlcompress.model.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A dense multilayer perceptron to train: batched forward that keeps what backward needs ({@link Tape}),
 * backward from dLoss/dOutput to parameter gradients and dLoss/dInput. The parameters are Java arrays in
 * PyTorch's layout, whatever the backend, so the optimiser, checkpoints and export see one format.
 *
 * <p>Batches are row-major {@code float[]}: row b of an input is {@code x[b*inputs() .. (b+1)*inputs())}.
 * Parameters written directly (loading a checkpoint, a custom update) must be followed by {@link
 * #paramsChanged()}; {@link Adam}, {@link #copyFrom} and {@link #softUpdateFrom} call it themselves.
 */
public abstract sealed class Mlp implements AutoCloseable permits JavaMlp, DjlMlp {
  /** Who computes forward and backward. Both read and write the same Java parameter arrays. */
  public enum Backend {
    /** Vector API kernels in this JVM: no native calls, no allocation per update. */
    JAVA,
    /** PyTorch through DJL: the reference the Java kernels are checked against. */
    DJL
  }

  final int[] sizes;
  final Activation hidden, output;
  final float[][] params, grads;
  private Tape[] tapes = new Tape[0];

  Mlp(int[] sizes, Activation hidden, Activation output, float[][] params) {
    if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least an input and an output size");
    for (int s : sizes) if (s <= 0) throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
    if (params.length != 2 * (sizes.length - 1)) throw new IllegalArgumentException("expected " + 2 * (sizes.length - 1) + " parameter arrays");
    this.sizes = sizes.clone();
    this.hidden = hidden;
    this.output = output;
    this.params = params;
    this.grads = new float[params.length][];
    for (int l = 0; l + 1 < sizes.length; l++) {
      if (params[2 * l].length != sizes[l] * sizes[l + 1] || params[2 * l + 1].length != sizes[l + 1])
        throw new IllegalArgumentException("layer " + l + " parameters do not match " + sizes[l] + "->" + sizes[l + 1]);
      grads[2 * l] = new float[params[2 * l].length];
      grads[2 * l + 1] = new float[params[2 * l + 1].length];
    }
  }

  /** A Java-backend network with an identity output, e.g. a Q-function or a Gaussian mean head. */
  public static Mlp of(int[] sizes, Activation hidden, WeightInit init, SplittableRandom rng) {
    return of(Backend.JAVA, sizes, hidden, Activation.IDENTITY, init, rng);
  }

  /**
   * @param sizes widths from input to output, e.g. {17, 256, 256, 6}
   * @param hidden activation after every layer but the last
   * @param output activation after the last layer (TANH for a deterministic actor, else IDENTITY)
   */
  public static Mlp of(Backend backend, int[] sizes, Activation hidden, Activation output, WeightInit init, SplittableRandom rng) {
    return of(backend, sizes, hidden, output, init.draw(sizes, rng));
  }

  /** A network over the given parameters (taken, not copied), PyTorch layout W0, b0, W1, b1, ... */
  public static Mlp of(Backend backend, int[] sizes, Activation hidden, Activation output, float[][] params) {
    return switch (backend) {
      case JAVA -> new JavaMlp(sizes, hidden, output, params);
      case DJL -> new DjlMlp(sizes, hidden, output, params);
    };
  }

  /**
   * Rebuilds from model layers (Linear and activation layers alternating, as {@link #toLayers()} and
   * the ONNX importer produce them); the weights are copied.
   */
  public static Mlp fromLayers(Backend backend, List<Layer> layers) {
    List<Layer.Linear> lins = new ArrayList<>();
    Activation hid = Activation.RELU, out = Activation.IDENTITY;
    for (Layer l : layers) {
      if (l instanceof Layer.Linear lin) {
        if (!lins.isEmpty() && out != Activation.IDENTITY) hid = out;
        out = Activation.IDENTITY;
        lins.add(lin);
      } else if (l instanceof Layer.Activation a && !lins.isEmpty()) {
        out = Activation.of(a.kind());
      } else {
        throw new IllegalArgumentException("not an MLP layer here: " + l);
      }
    }
    if (lins.isEmpty()) throw new IllegalArgumentException("no Linear layer");
    int[] sizes = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(lins.get(0).in()), lins.stream().mapToInt(Layer.Linear::out)).toArray();
    float[][] params = lins.stream().flatMap(l -> java.util.stream.Stream.of(l.weight().clone(), l.bias().clone())).toArray(float[][]::new);
    return of(backend, sizes, hid, out, params);
  }

  /** Same backend, a copy of the parameters (a target network); gradients and tapes are fresh. */
  public Mlp copy() {
    return of(backend(), sizes, hidden, output, Arrays.stream(params).map(float[]::clone).toArray(float[][]::new));
  }

  public abstract Backend backend();

  public int[] sizes() {
    return sizes.clone();
  }

  public int inputs() {
    return sizes[0];
  }

  public int outputs() {
    return sizes[sizes.length - 1];
  }

  public Activation hidden() {
    return hidden;
  }

  public Activation output() {
    return output;
  }

  /** The live parameters, PyTorch layout: W0 [out][in] row-major, b0, W1, b1, ... */
  public float[][] params() {
    return params;
  }

  /** The live gradients, same layout; a backward with {@link Backprop#PARAMS} overwrites them. */
  public float[][] grads() {
    return grads;
  }

  /** Number of parameters. */
  public int size() {
    int n = 0;
    for (float[] p : params) n += p.length;
    return n;
  }

  /** Tells the backend that {@link #params()} were written, so it refreshes its packed copies. */
  public abstract void paramsChanged();

  /**
   * Forward for {@code batch} rows of {@code x} into this network's own tape for that batch size (one
   * per size, reused: the previous result at this size is overwritten).
   */
  public Tape forward(float[] x, int batch) {
    for (Tape t : tapes) if (t.batch() == batch) return forward(x, t);
    Tape t = newTape(batch);
    tapes = Arrays.copyOf(tapes, tapes.length + 1);
    tapes[tapes.length - 1] = t;
    return forward(x, t);
  }

  /** Forward into a tape of this network's (from {@link #newTape}), when two results must stay alive. */
  public abstract Tape forward(float[] x, Tape into);

  /** A tape for batches of {@code batch} rows, its buffers allocated once. */
  public abstract Tape newTape(int batch);

  /**
   * Backward from {@code dOut} = dLoss/dOutput ({@code [batch][outputs]}) through the activations on
   * {@code tape}, which must hold this network's latest forward with the current parameters. Parameter
   * gradients overwrite {@link #grads()} (PyTorch's zero_grad then backward) when {@code what} asks.
   *
   * @return dLoss/dInput {@code [batch][inputs]}, owned by the tape, or null when not asked for
   */
  public abstract float[] backward(Tape tape, float[] dOut, Backprop what);

  /** Copies {@code source}'s parameters into this network (same sizes); e.g. a hard target update. */
  public final void copyFrom(Mlp source) {
    checkSameShape(source);
    for (int i = 0; i < params.length; i++) System.arraycopy(source.params[i], 0, params[i], 0, params[i].length);
    paramsChanged();
  }

  /** Polyak averaging of a target network: θ ← (1−τ)·θ + τ·θ_source, as SB3's polyak_update. */
  public final void softUpdateFrom(Mlp source, double tau) {
    checkSameShape(source);
    for (int i = 0; i < params.length; i++) Vec.lerp(params[i], source.params[i], (float) tau);
    softUpdated(source, (float) tau);
  }

  /** After {@link #softUpdateFrom} changed the parameters; a backend may update derived copies alike. */
  void softUpdated(Mlp source, float tau) {
    paramsChanged();
  }

  private void checkSameShape(Mlp other) {
    if (!Arrays.equals(sizes, other.sizes))
      throw new IllegalArgumentException("networks differ: " + Arrays.toString(sizes) + " vs " + Arrays.toString(other.sizes));
  }

  /** A snapshot as model layers (copies), for export; the output activation is a layer unless IDENTITY. */
  public List<Layer> toLayers() {
    List<Layer> ls = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      ls.add(new Layer.Linear(sizes[l], sizes[l + 1], params[2 * l].clone(), params[2 * l + 1].clone()));
      Activation a = l + 2 < sizes.length ? hidden : output;
      a.kind().ifPresent(k -> ls.add(new Layer.Activation(k)));
    }
    return ls;
  }

  /** What the backends' tapes share: the owning network, the batch size and the output buffer. */
  abstract static class BaseTape implements Tape {
    final Mlp owner;
    final int batch;
    /** Set by the backend's constructor ([batch][outputs]). */
    float[] out;

    BaseTape(Mlp owner, int batch) {
      if (batch <= 0) throw new IllegalArgumentException("batch must be positive: " + batch);
      this.owner = owner;
      this.batch = batch;
    }

    @Override
    public int batch() {
      return batch;
    }

    @Override
    public float[] output() {
      return out;
    }
  }

  /** The tape as this backend's type, refusing one made by another network. */
  final <T extends BaseTape> T own(Tape tape, Class<T> type) {
    if (!type.isInstance(tape) || type.cast(tape).owner != this) throw new IllegalArgumentException("the tape belongs to another network");
    return type.cast(tape);
  }

  /** Refuses a batch array shorter than {@code rows} rows of {@code width}. */
  static void checkRows(String what, float[] x, int rows, int width) {
    if (x.length < rows * width)
      throw new IllegalArgumentException(what + " has " + x.length + " values, a batch of " + rows + " needs " + rows * width);
  }

  /** Releases native memory (DJL backend); nothing for the Java backend. */
  @Override
  public void close() {}
}

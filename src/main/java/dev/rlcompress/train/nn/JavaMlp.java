package dev.rlcompress.train.nn;

import dev.rlcompress.rt.kernel.Tiles;
import static dev.rlcompress.train.nn.Vec.L;
import static dev.rlcompress.train.nn.Vec.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The Java Vector API backend. Every product goes through {@link Gemm} in its outer-product form, which
 * wants the matrix it streams in rows along the output dimension: forward streams Wᵀ [in][out], the
 * input gradient streams W [out][in], the weight gradient streams the layer's input activations. So
 * besides the PyTorch-layout parameters the network keeps a packed Wᵀ (and W with rows padded to whole
 * vectors where the input width is not a multiple of the vector length), refreshed lazily after
 * {@link #paramsChanged()}. Activations are stored row-major with rows padded to whole vectors; nothing
 * is allocated per call once a tape exists for the batch size.
 */
final class JavaMlp extends Mlp {
  private final int layers;
  /** Widths padded to whole vectors, per entry of {@link #sizes}. */
  private final int[] pad;
  /** Per layer: Wᵀ [in][pad(out)], W [out][pad(in)] (the parameter array itself when in is padded already), bias [pad(out)]. */
  private final float[][] wt, wp, bp;
  /** Per layer: weight-gradient buffer [out][pad(in)] (the gradient array itself when possible) and bias gradient [pad(out)]. */
  private final float[][] dwp, dbp;
  /** Per layer: {0, in, 2·in, ...}, the gather offsets of a column of W. */
  private final int[][] gather;
  /** A zero bias as wide as the widest layer, for the gradient products. */
  private final float[] zeros;
  private int version;
  private boolean packed;

  JavaMlp(int[] sizes, Activation hidden, Activation output, float[][] params) {
    super(sizes, hidden, output, params);
    layers = sizes.length - 1;
    pad = new int[sizes.length];
    for (int i = 0; i < sizes.length; i++) pad[i] = Vec.pad(sizes[i]);
    wt = new float[layers][];
    wp = new float[layers][];
    bp = new float[layers][];
    dwp = new float[layers][];
    dbp = new float[layers][];
    gather = new int[layers][L];
    zeros = new float[java.util.Arrays.stream(pad).max().orElseThrow()];
    for (int l = 0; l < layers; l++) {
      int in = sizes[l], out = sizes[l + 1];
      boolean dense = pad[l] == in;
      wt[l] = narrow(l) ? null : new float[in * pad[l + 1]];
      wp[l] = dense ? params[2 * l] : new float[out * pad[l]];
      dwp[l] = dense ? grads[2 * l] : new float[out * pad[l]];
      bp[l] = new float[pad[l + 1]];
      for (int k = 0; k < L; k++) gather[l][k] = k * in;
      dbp[l] = new float[pad[l + 1]];
    }
  }

  @Override
  public Backend backend() {
    return Backend.JAVA;
  }

  @Override
  public void paramsChanged() {
    version++;
    packed = false;
  }

  /**
   * Averages the packed copies the same way as the parameters (element-wise, so the result is exactly
   * the packing of the averaged parameters) instead of transposing again: a target network then costs
   * no transpose per update.
   */
  @Override
  void softUpdated(Mlp source, float tau) {
    if (!(source instanceof JavaMlp src) || !packed) {
      paramsChanged();
      return;
    }
    src.pack();
    for (int l = 0; l < layers; l++) {
      if (wt[l] != null) Vec.lerp(wt[l], src.wt[l], tau);
      if (wp[l] != params[2 * l]) Vec.lerp(wp[l], src.wp[l], tau);
      Vec.lerp(bp[l], src.bp[l], tau);
    }
    version++;
  }

  /** The per-batch buffers: activations of every layer, two gradient buffers, and the product shapes. */
  private static final class JavaTape extends BaseTape {
    /** act[0] is the input, act[l+1] the output of layer l (after its activation); rows padded. */
    final float[][] act;
    final float[] g0, g1, dIn;
    final Gemm.Shape[] fwd, dx, dw;
    /** The GEMM operands, reused by every product of this tape (nothing allocated per product). */
    final Tiles.Product product = new Tiles.Product();
    int version = -1;

    JavaTape(JavaMlp net, int batch) {
      super(net, batch);
      int layers = net.layers, sizes[] = net.sizes, pad[] = net.pad;
      act = new float[layers + 1][];
      int widest = 0;
      for (int i = 0; i <= layers; i++) {
        act[i] = new float[batch * pad[i]];
        widest = Math.max(widest, pad[i]);
      }
      out = pad[layers] == net.outputs() ? act[layers] : new float[batch * net.outputs()];
      g0 = new float[batch * widest];
      g1 = new float[batch * widest];
      dIn = new float[batch * net.inputs()];
      fwd = new Gemm.Shape[layers];
      dx = new Gemm.Shape[layers];
      dw = new Gemm.Shape[layers];
      for (int l = 0; l < layers; l++) {
        int in = sizes[l], o = sizes[l + 1], pi = pad[l], po = pad[l + 1];
        fwd[l] = net.narrow(l)
            ? new Gemm.Shape(batch, po, pi, pi, 1) // dot products of padded rows of X and W
            : new Gemm.Shape(batch, po, in, pi, 1); // X[batch][in] · Wᵀ[in][po]
        dx[l] = new Gemm.Shape(batch, pi, o, po, 1); // dZ[batch][out] · W[out][pi]
        dw[l] = new Gemm.Shape(o, pi, batch, 1, po); // dZᵀ[out][batch] · X[batch][pi]
      }
    }

  }

  @Override
  public Tape newTape(int batch) {
    return new JavaTape(this, batch);
  }

  @Override
  public Tape forward(float[] x, Tape into) {
    JavaTape t = own(into, JavaTape.class);
    int in = inputs();
    checkRows("input", x, t.batch, in);
    pack();
    copyRows(x, in, t.act[0], pad[0], t.batch, in);
    for (int l = 0; l < layers; l++) {
      Activation a = l + 1 == layers ? output : hidden;
      float floor = a == Activation.RELU ? 0f : Float.NEGATIVE_INFINITY;
      if (narrow(l)) Gemm.rowDots(t.fwd[l], sizes[l + 1], t.act[l], wp[l], t.act[l + 1], bp[l], floor);
      else Gemm.run(t.product, t.fwd[l], t.act[l], wt[l], t.act[l + 1], bp[l], floor);
      if (a == Activation.TANH) tanh(t.act[l + 1]);
    }
    if (t.out != t.act[layers]) copyRows(t.act[layers], pad[layers], t.out, outputs(), t.batch, outputs());
    t.version = version;
    return t;
  }

  @Override
  public float[] backward(Tape tape, float[] dOut, Backprop what) {
    JavaTape t = own(tape, JavaTape.class);
    if (t.version != version) throw new IllegalStateException("the tape's forward pass used other parameters; forward again before backward");
    int batch = t.batch;
    checkRows("dOut", dOut, batch, outputs());
    float[] dz = t.g0, next = t.g1;
    copyRows(dOut, outputs(), dz, pad[layers], batch, outputs());
    for (int l = layers - 1; l >= 0; l--) {
      int out = sizes[l + 1], in = sizes[l], po = pad[l + 1];
      derivative(dz, t.act[l + 1], batch * po, l + 1 == layers ? output : hidden);
      if (what.params()) {
        columnSums(dz, batch, po, dbp[l]);
        System.arraycopy(dbp[l], 0, grads[2 * l + 1], 0, out);
        Gemm.run(t.product, t.dw[l], dz, t.act[l], dwp[l], zeros, Float.NEGATIVE_INFINITY);
        if (dwp[l] != grads[2 * l]) copyRows(dwp[l], pad[l], grads[2 * l], in, out, in);
      }
      if (l == 0 && !what.input()) break;
      Gemm.run(t.product, t.dx[l], dz, wp[l], next, zeros, Float.NEGATIVE_INFINITY);
      float[] s = dz;
      dz = next;
      next = s;
    }
    if (!what.input()) return null;
    copyRows(dz, pad[0], t.dIn, inputs(), batch, inputs());
    return t.dIn;
  }

  /**
   * Layers with at most this many outputs run forward as dot products ({@link Gemm#rowDots}); measured
   * at 256 inputs, batch 256: 1 output 4.5 µs vs 18.5 µs with tiles, 6 outputs 15 vs 18, 12 outputs 23
   * vs 18.
   */
  private static final int NARROW = 8;

  private boolean narrow(int layer) {
    return sizes[layer + 1] <= NARROW;
  }

  /** Refreshes Wᵀ, padded W and padded biases from the parameters after a change. */
  private void pack() {
    if (packed) return;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l], out = sizes[l + 1], po = pad[l + 1];
      float[] w = params[2 * l], t = wt[l];
      if (!narrow(l)) transpose(w, out, in, t, po, gather[l]);
      if (wp[l] != w) copyRows(w, in, wp[l], pad[l], out, in);
      System.arraycopy(params[2 * l + 1], 0, bp[l], 0, out);
    }
    packed = true;
  }

  /**
   * t[i][o] = w[o][i] for w [out][in] and t with rows of length {@code tRow}: each vector of a row of t
   * is one gather of a column of w (measured 3x faster than a blocked scalar transpose).
   */
  private static void transpose(float[] w, int out, int in, float[] t, int tRow, int[] stride) {
    int full = out - out % L;
    for (int i = 0; i < in; i++) {
      int o = 0;
      for (; o < full; o += L) FloatVector.fromArray(S, w, o * in + i, stride, 0).intoArray(t, i * tRow + o);
      for (; o < out; o++) t[i * tRow + o] = w[o * in + i];
    }
  }

  private static void copyRows(float[] src, int srcStride, float[] dst, int dstStride, int rows, int width) {
    if (srcStride == width && dstStride == width) {
      System.arraycopy(src, 0, dst, 0, rows * width);
      return;
    }
    for (int r = 0; r < rows; r++) System.arraycopy(src, r * srcStride, dst, r * dstStride, width);
  }

  /** dz ← dz ⊙ f'(z), with f' taken from the activation's output y (relu: y > 0; tanh: 1 − y²). */
  private static void derivative(float[] dz, float[] y, int n, Activation act) {
    switch (act) {
      case IDENTITY -> {}
      case RELU -> {
        for (int i = 0; i < n; i += L) {
          VectorMask<Float> off = FloatVector.fromArray(S, y, i).compare(VectorOperators.LE, 0f);
          FloatVector.fromArray(S, dz, i).blend(0f, off).intoArray(dz, i);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i += L) {
          FloatVector yv = FloatVector.fromArray(S, y, i);
          FloatVector d = yv.neg().fma(yv, FloatVector.broadcast(S, 1f));
          FloatVector.fromArray(S, dz, i).mul(d).intoArray(dz, i);
        }
      }
    }
  }

  private static void tanh(float[] y) {
    for (int i = 0; i < y.length; i += L) FloatVector.fromArray(S, y, i).lanewise(VectorOperators.TANH).intoArray(y, i);
  }

  /** sums[j] = Σ_rows m[r][j] over a row-major [rows][width] matrix, width a whole number of vectors. */
  private static void columnSums(float[] m, int rows, int width, float[] sums) {
    for (int j = 0; j < width; j += L) {
      FloatVector acc = FloatVector.zero(S);
      for (int r = 0, o = j; r < rows; r++, o += width) acc = acc.add(FloatVector.fromArray(S, m, o));
      acc.intoArray(sums, j);
    }
  }
}

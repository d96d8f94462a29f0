package dev.rlcompress.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.rlcompress.train.Torch;

/**
 * The PyTorch backend through DJL, for measuring the Java kernels against and for checking them. It does
 * the same work the way a DJL trainer would do it at its cheapest: parameters uploaded as leaf tensors
 * once per change, one fused {@code linear} and one activation per layer under autograd, and a native
 * backward seeded with dLoss/dOutput; gradients come back to the Java arrays, so {@link Adam} and the
 * soft updates are shared with the Java backend.
 */
final class DjlMlp extends Mlp {
  private final NDManager manager = Torch.newManager();
  private NDArray[] leaves;

  DjlMlp(int[] sizes, Activation hidden, Activation output, float[][] params) {
    super(sizes, hidden, output, params);
  }

  @Override
  public Backend backend() {
    return Backend.DJL;
  }

  @Override
  public void paramsChanged() {
    closeLeaves();
  }

  private void closeLeaves() {
    if (leaves == null) return;
    for (NDArray a : leaves) a.close();
    leaves = null;
  }

  private NDArray[] leaves() {
    if (leaves == null) {
      leaves = new NDArray[params.length];
      for (int l = 0; 2 * l < params.length; l++) {
        leaves[2 * l] = manager.create(params[2 * l], new Shape(sizes[l + 1], sizes[l]));
        leaves[2 * l + 1] = manager.create(params[2 * l + 1], new Shape(sizes[l + 1]));
      }
      for (NDArray a : leaves) a.setRequiresGradient(true);
    }
    return leaves;
  }

  private static final class DjlTape extends BaseTape {
    NDManager scope;
    NDArray input, output;
    NDArray[] usedLeaves;

    DjlTape(DjlMlp net, int batch) {
      super(net, batch);
      out = new float[batch * net.outputs()];
    }
  }

  @Override
  public Tape newTape(int batch) {
    return new DjlTape(this, batch);
  }

  @Override
  public Tape forward(float[] x, Tape into) {
    DjlTape t = own(into, DjlTape.class);
    int n = t.batch * inputs();
    checkRows("input", x, t.batch, inputs());
    if (t.scope != null) t.scope.close();
    t.scope = manager.newSubManager();
    NDArray[] w = leaves();
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try {
      NDArray h = t.scope.create(x.length == n ? x : java.util.Arrays.copyOf(x, n), new Shape(t.batch, inputs()));
      h.setRequiresGradient(true);
      t.input = h;
      for (int l = 0; 2 * l < w.length; l++) {
        h = Linear.linear(h, w[2 * l], w[2 * l + 1]).singletonOrThrow();
        h = switch (2 * l + 2 == w.length ? output : hidden) {
          case RELU -> h.getNDArrayInternal().relu();
          case TANH -> h.tanh();
          case IDENTITY -> h;
        };
      }
      t.output = h;
      t.usedLeaves = w;
      System.arraycopy(h.toFloatArray(), 0, t.out, 0, t.out.length);
    } finally {
      JniUtils.setGradMode(grad);
    }
    return t;
  }

  @Override
  public float[] backward(Tape tape, float[] dOut, Backprop what) {
    DjlTape t = own(tape, DjlTape.class);
    if (t.output == null || t.usedLeaves != leaves) throw new IllegalStateException("the tape's forward pass used other parameters; forward again before backward");
    int n = t.batch * outputs();
    checkRows("dOut", dOut, t.batch, outputs());
    NDArray seed = t.scope.create(dOut.length == n ? dOut : java.util.Arrays.copyOf(dOut, n), new Shape(t.batch, outputs()));
    JniUtils.backward((PtNDArray) t.output, (PtNDArray) seed, false, false);
    t.output = null; // the graph is freed by backward
    for (int i = 0; i < leaves.length; i++) {
      if (what.params()) {
        try (NDArray g = leaves[i].getGradient()) {
          System.arraycopy(g.toFloatArray(), 0, grads[i], 0, grads[i].length);
        }
      }
      JniUtils.zeroGrad((PtNDArray) leaves[i]);
    }
    if (!what.input()) return null;
    try (NDArray g = t.input.getGradient()) {
      return g.toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
    leaves = null;
  }
}

package dev.rlcompress.runtime;

import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Java inference engine for unstructured-sparse MLP policies: each Linear layer is stored in CSR
 * (compressed sparse rows), so work and memory scale with the nonzeros. Activations are kept
 * feature-major ([feature][batch]) so every nonzero weight becomes one contiguous multiply-add over
 * the batch, which the JIT vectorizes. Exists because ONNX Runtime densifies sparse weights: without
 * an engine like this, unstructured pruning saves nothing at inference time.
 */
public final class SparsePolicy implements Policy {
  private final Identity identity;
  private final PolicyModel model;
  private final List<Object> ops = new ArrayList<>(); // Csr or Layer.Activation
  private final int inputSize, outputSize;

  /** A Linear layer in CSR form. */
  record Csr(int in, int out, int[] rowPtr, int[] col, float[] val, float[] bias) {
    static Csr of(Layer.Linear l) {
      int nnz = 0;
      for (float w : l.weight()) if (w != 0f) nnz++;
      int[] rowPtr = new int[l.out() + 1], col = new int[nnz];
      float[] val = new float[nnz];
      int k = 0;
      for (int o = 0; o < l.out(); o++) {
        for (int i = 0; i < l.in(); i++) {
          float w = l.w(o, i);
          if (w != 0f) {
            col[k] = i;
            val[k++] = w;
          }
        }
        rowPtr[o + 1] = k;
      }
      return new Csr(l.in(), l.out(), rowPtr, col, val, l.bias().clone());
    }

    /**
     * y[o][b] = bias[o] + Σ_k val[k]·x[col[k]][b], feature-major. Batch 1 is a plain CSR dot product with
     * the sum in a register; larger batches broadcast each nonzero over the batch with SIMD
     * multiply-adds (JDK Vector API), the scalar tail finishing what does not fill a vector.
     */
    float[] apply(float[] x, int batch) {
      float[] y = new float[out * batch];
      if (batch == 1) {
        for (int o = 0; o < out; o++) {
          float acc = bias[o];
          for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) acc += val[k] * x[col[k]];
          y[o] = acc;
        }
        return y;
      }
      int vl = SPECIES.length(), full = batch - batch % vl;
      for (int o = 0; o < out; o++) {
        int yo = o * batch;
        java.util.Arrays.fill(y, yo, yo + batch, bias[o]);
        for (int k = rowPtr[o]; k < rowPtr[o + 1]; k++) {
          float w = val[k];
          int xi = col[k] * batch;
          FloatVector wv = FloatVector.broadcast(SPECIES, w);
          int b = 0;
          for (; b < full; b += vl)
            FloatVector.fromArray(SPECIES, x, xi + b).fma(wv, FloatVector.fromArray(SPECIES, y, yo + b)).intoArray(y, yo + b);
          for (; b < batch; b++) y[yo + b] += w * x[xi + b];
        }
      }
      return y;
    }
  }

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private SparsePolicy(Identity identity, PolicyModel model) {
    this.identity = identity;
    this.model = model;
    for (Layer l : model.trunk()) add(l);
    for (Layer l : model.actionHead().layers()) add(l);
    this.inputSize = model.inputSize();
    this.outputSize = model.outputSize();
  }

  private void add(Layer l) {
    switch (l) {
      case Layer.Linear lin -> ops.add(Csr.of(lin));
      case Layer.Activation a -> ops.add(a);
      case Layer.Flatten f -> {}
      case Layer.Conv2d c -> throw new UserError("the java-sparse runtime runs MLP policies only (found " + c + ")");
    }
  }

  public static SparsePolicy load(Path path) {
    ModelFile f = ModelFile.read(path);
    return open(f.proto(), path.toString(), f.sizeBytes());
  }

  static SparsePolicy open(ModelProto proto, String name, long sizeBytes) {
    PolicyModel m = OnnxImporter.read(proto, name);
    return new SparsePolicy(Identity.of(proto, name, sizeBytes), m.actionOnly());
  }

  @Override
  public float[] runFlat(FloatBuffer input, int batch) {
    float[] x = new float[inputSize * batch];
    Normalization norm = model.normalization();
    float[] row = new float[inputSize];
    for (int b = 0; b < batch; b++) {
      input.get(row);
      float[] r = norm == null ? row : norm.apply(row);
      for (int i = 0; i < inputSize; i++) x[i * batch + b] = r[i];
    }
    for (Object op : ops) {
      if (op instanceof Csr c) {
        x = c.apply(x, batch);
      } else if (((Layer.Activation) op).kind() == Layer.Activation.Kind.RELU) {
        for (int i = 0; i < x.length; i++) x[i] = Math.max(0f, x[i]);
      } else {
        for (int i = 0; i < x.length; i++) x[i] = tanh(x[i]);
      }
    }
    float[] out = new float[batch * outputSize];
    for (int o = 0; o < outputSize; o++) for (int b = 0; b < batch; b++) out[b * outputSize + o] = x[o * batch + b];
    var kind = model.actionHead().kind();
    if (!(kind instanceof HeadKind.Gaussian || kind instanceof HeadKind.TanhAction)) return out;
    for (int b = 0; b < batch; b++) {
      float[] a = kind.finish(java.util.Arrays.copyOfRange(out, b * outputSize, (b + 1) * outputSize));
      System.arraycopy(a, 0, out, b * outputSize, outputSize);
    }
    return out;
  }

  /**
   * tanh through the exp intrinsic, 1 - 2/(e^{2x}+1): several times faster than Math.tanh and within
   * a few float ulps of it (|x| > 9 saturates to ±1 in float).
   */
  static float tanh(float x) {
    if (x > 9f) return 1f;
    if (x < -9f) return -1f;
    return (float) (1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0));
  }

  @Override
  public String runtime() {
    return "java-sparse";
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public int outputSize() {
    return outputSize;
  }

  @Override
  public void close() {}
}

package dev.rlcompress.runtime;

import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.ModelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A deployed policy as the evaluator sees it: observations in, action-head outputs out. ONNX Runtime
 * ({@link OrtPolicy}) runs every variant; {@link SparsePolicy} is the Java CSR engine that turns
 * unstructured sparsity into speed.
 */
public interface Policy extends AutoCloseable {
  Path path();

  Map<String, String> metadata();

  HeadKind actionHead();

  int inputSize();

  int outputSize();

  /** Outputs for {@code batch} observations laid out in {@code input} (batch × inputSize floats). */
  float[] runFlat(FloatBuffer input, int batch);

  @Override
  void close();

  /** A short name of the engine, shown in reports. */
  String runtime();

  default Provenance provenance() {
    return ModelFormat.provenance(metadata());
  }

  default float[] run(float[] observation) {
    return run(new float[][] {observation})[0];
  }

  default float[][] run(float[][] batch) {
    FloatBuffer in = ByteBuffer.allocateDirect(batch.length * inputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (float[] o : batch) {
      if (o.length != inputSize())
        throw new IllegalArgumentException("observation has " + o.length + " values, model expects " + inputSize());
      in.put(o);
    }
    in.flip();
    float[] flat = runFlat(in, batch.length);
    int n = outputSize();
    float[][] out = new float[batch.length][n];
    for (int i = 0; i < batch.length; i++) System.arraycopy(flat, i * n, out[i], 0, n);
    return out;
  }

  /** Opens {@code path} with the named engine: "ort" (default) or "java-sparse". */
  static Policy load(Path path, String runtime) {
    return switch (runtime) {
      case "ort" -> OrtPolicy.load(path);
      case "java-sparse" -> SparsePolicy.load(path);
      default -> throw new dev.rlcompress.util.UserError("unknown runtime '" + runtime + "'; known: ort, java-sparse");
    };
  }
}

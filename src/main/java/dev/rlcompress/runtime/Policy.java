package dev.rlcompress.runtime;

import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Provenance;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.JsonParser;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.ModelStats;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A deployed policy as the evaluator sees it: observations in, action-head outputs out. ONNX Runtime
 * ({@link OrtPolicy}) runs every variant; {@link JavaPolicy} runs them in the dependency-free Java
 * runtime (the rlc-runtime module); {@link SparsePolicy} is the Java CSR engine that turns unstructured
 * sparsity into speed.
 */
public interface Policy extends AutoCloseable {
  /**
   * What every engine knows of the file it runs, read the same way by all of them from the ONNX model
   * and rlc's metadata: the label, the size and parameter counts, the metadata and the action head.
   *
   * @param name the file it was loaded from, or the label of an in-memory variant
   * @param stats size on disk (serialized size for in-memory variants), parameters and sparsity
   */
  record Identity(String name, ModelStats stats, Map<String, String> metadata, HeadKind actionHead) {
    /** The identity of {@code proto} (already validated: its rlc metadata is present and readable). */
    static Identity of(ModelProto proto, String name, long sizeBytes) {
      Map<String, String> metadata = ModelFormat.toMap(proto.getMetadataPropsList());
      HeadKind head = ModelFormat.headKind(JsonParser.parseString(metadata.get(ModelFormat.ACTION_HEAD)).getAsJsonObject());
      return new Identity(name, ModelStats.of(proto, sizeBytes), metadata, head);
    }
  }

  Identity identity();

  /** The file it was loaded from, or the label of an in-memory variant. */
  default String name() {
    return identity().name();
  }

  /** Size on disk (serialized size for in-memory variants), parameters and sparsity. */
  default ModelStats stats() {
    return identity().stats();
  }

  default Map<String, String> metadata() {
    return identity().metadata();
  }

  default HeadKind actionHead() {
    return identity().actionHead();
  }

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
    FloatBuffer in = InputBuffers.get(batch.length * inputSize());
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

  /** The engines: ONNX Runtime, the Java runtime (module rlc-runtime), the Java CSR engine for sparse MLPs. */
  java.util.List<String> RUNTIMES = java.util.List.of("ort", "java", "java-sparse");

  /** Opens {@code path} with the named engine (one of {@link #RUNTIMES}). */
  static Policy load(Path path, String runtime) {
    checkRuntime(runtime);
    ModelFile f = ModelFile.read(path);
    return open(f.proto(), path.toString(), f.sizeBytes(), runtime);
  }

  /** Opens an in-memory model under {@code name} with the named engine; nothing is written to disk. */
  static Policy of(ModelProto proto, String name, String runtime) {
    checkRuntime(runtime);
    return open(proto, name, proto.getSerializedSize(), runtime);
  }

  private static Policy open(ModelProto proto, String name, long sizeBytes, String runtime) {
    return switch (runtime) {
      case "ort" -> OrtPolicy.open(proto, name, sizeBytes);
      case "java" -> JavaPolicy.open(proto, name, sizeBytes);
      default -> SparsePolicy.open(proto, name, sizeBytes);
    };
  }

  private static void checkRuntime(String runtime) {
    if (!RUNTIMES.contains(runtime))
      throw new UserError("unknown runtime '" + runtime + "'; known: " + String.join(", ", RUNTIMES));
  }
}

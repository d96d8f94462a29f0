package dev.rlcompress.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.JsonParser;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.ModelStats;
import dev.rlcompress.rt.MalformedModelException;
import dev.rlcompress.rt.RlcPolicy;
import dev.rlcompress.rt.UnsupportedModelException;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A policy running in the dependency-free Java runtime ({@link RlcPolicy}, module rlc-runtime): the
 * same ONNX file ONNX Runtime runs, with Vector API kernels and no per-call native crossing. Measured by
 * the evaluator's latency protocol like any engine; the input buffer is copied into a per-thread array
 * (part of the timed call, as ORT's tensor creation is).
 */
public final class JavaPolicy implements Policy {
  private final String name;
  private final ModelStats stats;
  private final Map<String, String> metadata;
  private final HeadKind actionHead;
  private final RlcPolicy policy;
  private final ThreadLocal<float[]> input = ThreadLocal.withInitial(() -> new float[0]);

  private JavaPolicy(String name, ModelStats stats, Map<String, String> metadata, RlcPolicy policy) {
    this.name = name;
    this.stats = stats;
    this.metadata = metadata;
    this.policy = policy;
    this.actionHead = ModelFormat.headKind(JsonParser.parseString(metadata.get(ModelFormat.ACTION_HEAD)).getAsJsonObject());
  }

  static JavaPolicy open(ModelProto proto, String name, long sizeBytes) {
    OrtPolicy.validate(proto, name);
    try {
      RlcPolicy p = RlcPolicy.load(proto.toByteArray(), name);
      return new JavaPolicy(name, ModelStats.of(proto, sizeBytes), ModelFormat.toMap(proto.getMetadataPropsList()), p);
    } catch (UnsupportedModelException | MalformedModelException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** The runtime-module policy itself (kernel choices, packed weight size). */
  public RlcPolicy compiled() {
    return policy;
  }

  @Override
  public float[] runFlat(FloatBuffer in, int batch) {
    int n = batch * policy.inputSize();
    float[] x = input.get();
    if (x.length < n) {
      x = new float[n];
      input.set(x);
    }
    in.get(x, 0, n);
    float[] out = new float[batch * policy.outputSize()];
    policy.run(x, 0, batch, out, 0);
    return out;
  }

  @Override
  public String runtime() {
    return "java";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ModelStats stats() {
    return stats;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public HeadKind actionHead() {
    return actionHead;
  }

  @Override
  public int inputSize() {
    return policy.inputSize();
  }

  @Override
  public int outputSize() {
    return policy.outputSize();
  }

  @Override
  public void close() {}
}

package dev.rlcompress.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.rt.MalformedModelException;
import dev.rlcompress.rt.RlcPolicy;
import dev.rlcompress.rt.UnsupportedModelException;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;

/**
 * A policy running in the dependency-free Java runtime ({@link RlcPolicy}, module rlc-runtime): the
 * same ONNX file ONNX Runtime runs, with Vector API kernels and no per-call native crossing. Measured by
 * the evaluator's latency protocol like any engine; the input buffer is copied into a per-thread array
 * (part of the timed call, as ORT's tensor creation is).
 */
public final class JavaPolicy implements Policy {
  private final Identity identity;
  private final RlcPolicy policy;
  private final ThreadLocal<float[]> input = ThreadLocal.withInitial(() -> new float[0]);

  private JavaPolicy(Identity identity, RlcPolicy policy) {
    this.identity = identity;
    this.policy = policy;
  }

  static JavaPolicy open(ModelProto proto, String name, long sizeBytes) {
    OrtPolicy.validate(proto, name);
    try {
      RlcPolicy p = RlcPolicy.load(proto.toByteArray(), name);
      return new JavaPolicy(Identity.of(proto, name, sizeBytes), p);
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
  public Identity identity() {
    return identity;
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

package dev.rlcompress.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where ONNX Runtime spends a forward pass: its own profiler, per operator type, averaged over passes.
 * Answers questions like "why is int8 slower than fp32 on this small network" with measured time per
 * quantize, integer-GEMM and activation kernel rather than guesses.
 */
public final class Profiler {
  private Profiler() {}

  /** Mean microseconds per pass for each operator type, plus "total (kernels)" and "total (session run)". */
  public static Map<String, Double> perOp(Path model, List<float[]> observations, int batch, int passes) {
    try {
      Path prefix = Files.createTempFile("rlc-profile", "");
      try (OrtSession.SessionOptions o = OrtPolicy.options(null)) {
        o.enableProfiling(prefix.toString());
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), o)) {
          int in = observations.get(0).length;
          FloatBuffer buf = java.nio.ByteBuffer.allocateDirect(batch * in * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
          for (int i = 0; i < batch; i++) buf.put(observations.get(i % observations.size()));
          buf.flip();
          String out = s.getMetadata().getCustomMetadata().get(ModelFormat.ACTION_OUTPUT);
          long[] shape = {batch, in};
          for (int i = 0; i < passes; i++) {
            try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buf.rewind(), shape);
                OrtSession.Result r = s.run(Map.of(ModelFormat.INPUT_NAME, t), java.util.Set.of(out))) {
              // timing is recorded by the profiler
            }
          }
          Path file = Path.of(s.endProfiling());
          try {
            return aggregate(Files.readString(file), passes);
          } finally {
            Files.deleteIfExists(file);
          }
        }
      } finally {
        Files.deleteIfExists(prefix);
      }
    } catch (OrtException | IOException e) {
      throw new UserError("cannot profile " + model + ": " + e.getMessage());
    }
  }

  static Map<String, Double> aggregate(String json, int passes) {
    Map<String, Double> us = new LinkedHashMap<>();
    double kernels = 0, runs = 0;
    for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
      JsonObject ev = e.getAsJsonObject();
      String cat = ev.has("cat") ? ev.get("cat").getAsString() : "";
      double dur = ev.has("dur") ? ev.get("dur").getAsDouble() : 0;
      if (cat.equals("Node") && ev.get("name").getAsString().endsWith("_kernel_time")) {
        String op = ev.getAsJsonObject("args").get("op_name").getAsString();
        us.merge(op, dur / passes, Double::sum);
        kernels += dur / passes;
      } else if (cat.equals("Session") && ev.get("name").getAsString().equals("model_run")) {
        runs += dur / passes;
      }
    }
    us.put("total (kernels)", kernels);
    us.put("total (session run)", runs);
    return us;
  }
}

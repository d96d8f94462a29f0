package dev.rlcompress.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.JsonParser;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A policy running in ONNX Runtime: the one runtime every variant (fp32, fp16, int8, pruned, sparse) is
 * measured in, so comparisons are fair. One intra-op thread (the measurement machines have two cores
 * and are shared) and {@code session.x64quantprecision=1}, without which int8 kernels lose precision
 * on AVX2 CPUs that lack VNNI.
 */
public final class OrtPolicy implements Policy {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private final Identity identity;
  private final OrtSession session;
  private final OrtSession.SessionOptions sessionOptions;
  private final String actionOutput;
  private final int[] inputShape;
  private final int inputSize;
  private final int outputSize;
  private final Set<String> requested;

  private OrtPolicy(String name, ModelProto proto, long sizeBytes, OrtSession session, OrtSession.SessionOptions sessionOptions)
      throws OrtException {
    this.identity = Identity.of(proto, name, sizeBytes);
    this.session = session;
    this.sessionOptions = sessionOptions;
    Map<String, String> metadata = identity.metadata();
    this.actionOutput = metadata.get(ModelFormat.ACTION_OUTPUT);
    this.inputShape = ModelFormat.GSON.fromJson(metadata.get(ModelFormat.INPUT_SHAPE), int[].class);
    int n = 1;
    for (int d : inputShape) n *= d;
    this.inputSize = n;
    NodeInfo out = session.getOutputInfo().get(actionOutput);
    if (out == null) throw new UserError(name + ": graph and metadata disagree: the graph has no output named " + actionOutput);
    long[] shape = ((TensorInfo) out.getInfo()).getShape();
    this.outputSize = (int) shape[shape.length - 1];
    this.requested = Set.of(actionOutput);
  }

  /** Opens a model file with the measurement session options. */
  public static OrtPolicy load(Path path) {
    ModelFile f = ModelFile.read(path);
    return open(f.proto(), path.toString(), f.sizeBytes());
  }

  /**
   * Opens a parsed model: checks that its metadata describes the graph (one clear line when the graph's
   * input is not the metadata's observation shape), then hands the bytes to ONNX Runtime.
   */
  static OrtPolicy open(ModelProto proto, String name, long sizeBytes) {
    validate(proto, name);
    OrtSession.SessionOptions o = null;
    try {
      o = options(null);
      return new OrtPolicy(name, proto, sizeBytes, ENV.createSession(proto.toByteArray(), o), o);
    } catch (OrtException e) {
      if (o != null) o.close();
      throw new UserError(name + " cannot be loaded by ONNX Runtime: " + firstLine(e.getMessage()));
    }
  }

  /**
   * The checks every engine runs before loading: rlc metadata present and readable, the graph's input
   * the metadata's observation shape, every stored weight finite. Each failure is one user-facing line.
   */
  static void validate(ModelProto proto, String name) {
    Map<String, String> md = ModelFormat.toMap(proto.getMetadataPropsList());
    if (!md.containsKey(ModelFormat.ACTION_OUTPUT) || !md.containsKey(ModelFormat.INPUT_SHAPE) || !md.containsKey(ModelFormat.ACTION_HEAD))
      throw new UserError(name + " has no rl-compress metadata (rlc.action_output); export it with rlc");
    int[] shape;
    try {
      shape = ModelFormat.GSON.fromJson(md.get(ModelFormat.INPUT_SHAPE), int[].class);
      ModelFormat.headKind(JsonParser.parseString(md.get(ModelFormat.ACTION_HEAD)).getAsJsonObject());
    } catch (RuntimeException e) {
      throw new UserError(name + ": unreadable rl-compress metadata (" + e.getMessage() + ")");
    }
    ModelFormat.checkGraphInput(proto, shape, name);
    String bad = ModelFormat.firstNonFinite(proto);
    if (bad != null) throw new UserError(name + " has non-finite values (NaN or Inf) in " + bad);
  }

  /** Session options used everywhere; {@code optimizedModelPath} (nullable) dumps ORT's optimized graph. */
  public static OrtSession.SessionOptions options(Path optimizedModelPath) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(1);
    o.setInterOpNumThreads(1);
    o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.addConfigEntry("session.x64quantprecision", "1");
    o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    if (optimizedModelPath != null) o.setOptimizedModelFilePath(optimizedModelPath.toString());
    return o;
  }

  static String firstLine(String s) {
    if (s == null) return "unknown error";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  @Override
  public String runtime() {
    return "ort";
  }

  @Override
  public Identity identity() {
    return identity;
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  public int inputSize() {
    return inputSize;
  }

  public int outputSize() {
    return outputSize;
  }

  /**
   * Runs a batch already laid out in a direct buffer (batch × inputSize floats); the path used for
   * latency measurement, which excludes Java-side copying of the inputs.
   */
  public float[] runFlat(FloatBuffer input, int batch) {
    long[] shape = new long[inputShape.length + 1];
    shape[0] = batch;
    for (int i = 0; i < inputShape.length; i++) shape[i + 1] = inputShape[i];
    try (OnnxTensor t = OnnxTensor.createTensor(ENV, input, shape);
        OrtSession.Result r = session.run(Map.of(ModelFormat.INPUT_NAME, t), requested)) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer fb = out.getFloatBuffer();
      float[] f = new float[fb.remaining()];
      fb.get(f);
      return f;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + name() + ": " + firstLine(e.getMessage()), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // closing a session cannot meaningfully fail for the caller
    } finally {
      sessionOptions.close();
    }
  }
}

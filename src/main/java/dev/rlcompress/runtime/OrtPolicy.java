package dev.rlcompress.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonParser;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.util.UserError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
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

  private final Path path;
  private final OrtSession session;
  private final OrtSession.SessionOptions sessionOptions;
  private final Map<String, String> metadata;
  private final String actionOutput;
  private final HeadKind actionHead;
  private final int[] inputShape;
  private final int inputSize;
  private final int outputSize;
  private final Set<String> requested;
  private FloatBuffer buffer;
  private int bufferBatch;

  private OrtPolicy(Path path, OrtSession session, OrtSession.SessionOptions sessionOptions) throws OrtException {
    this.path = path;
    this.session = session;
    this.sessionOptions = sessionOptions;
    this.metadata = session.getMetadata().getCustomMetadata();
    if (!metadata.containsKey(ModelFormat.ACTION_OUTPUT))
      throw new UserError(path + " has no rl-compress metadata (rlc.action_output); export it with rlc");
    this.actionOutput = metadata.get(ModelFormat.ACTION_OUTPUT);
    this.actionHead = ModelFormat.headKind(JsonParser.parseString(metadata.get(ModelFormat.ACTION_HEAD)).getAsJsonObject());
    this.inputShape = ModelFormat.GSON.fromJson(metadata.get(ModelFormat.INPUT_SHAPE), int[].class);
    int n = 1;
    for (int d : inputShape) n *= d;
    this.inputSize = n;
    NodeInfo out = session.getOutputInfo().get(actionOutput);
    if (out == null) throw new UserError(path + " has no output named " + actionOutput);
    long[] shape = ((TensorInfo) out.getInfo()).getShape();
    this.outputSize = (int) shape[shape.length - 1];
    this.requested = Set.of(actionOutput);
  }

  /** Opens a model with the measurement session options. */
  public static OrtPolicy load(Path path) {
    if (!Files.isRegularFile(path)) throw new UserError("model file not found: " + path);
    OrtSession.SessionOptions o = null;
    try {
      o = options(null);
      return new OrtPolicy(path, ENV.createSession(path.toString(), o), o);
    } catch (OrtException e) {
      if (o != null) o.close();
      throw new UserError(path + " cannot be loaded by ONNX Runtime: " + firstLine(e.getMessage()));
    }
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

  public Path path() {
    return path;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Provenance provenance() {
    return ModelFormat.provenance(metadata);
  }

  public HeadKind actionHead() {
    return actionHead;
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
      throw new IllegalStateException("ONNX Runtime failed on " + path + ": " + firstLine(e.getMessage()), e);
    }
  }

  /** A reusable direct buffer holding {@code batch} observations. */
  public FloatBuffer inputBuffer(int batch) {
    if (buffer == null || bufferBatch < batch) {
      buffer = ByteBuffer.allocateDirect(batch * inputSize * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      bufferBatch = batch;
    }
    buffer.clear();
    buffer.limit(batch * inputSize);
    return buffer;
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

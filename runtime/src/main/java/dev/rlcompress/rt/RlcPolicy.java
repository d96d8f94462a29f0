package dev.rlcompress.rt;

import dev.rlcompress.rt.kernel.Lanes;
import dev.rlcompress.rt.kernel.Scratch;
import dev.rlcompress.rt.kernel.Step;
import dev.rlcompress.rt.onnx.Json;
import dev.rlcompress.rt.onnx.Onnx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A policy written by rl-compress, loaded for inference with no native code and no dependency:
 *
 * <pre>{@code
 * RlcPolicy policy = RlcPolicy.load(Path.of("dqn-lunarlander-v3.onnx"));
 * int action = policy.discreteAction(observation);      // argmax of Q-values or logits
 * float[] a = policy.continuousAction(observation);     // the action the environment receives
 * }</pre>
 *
 * <p>Loading parses the ONNX file, folds constants and packs the weights for the kernels once. The
 * loaded policy is immutable and safe to share between threads: every call works in scratch memory of
 * the calling thread (or of a {@link Session}), so steady-state calls allocate nothing beyond what a
 * convenience method returns.
 */
public final class RlcPolicy {
  private final String name;
  private final Map<String, String> metadata;
  private final List<Step> steps;
  private final int[] inputShape;
  private final int inputSize, outputSize, maxStride;
  private final Head head;
  private final ThreadLocal<Session> sessions = new ThreadLocal<>() {
    @Override
    protected Session initialValue() {
      return session();
    }
  };

  /** How greedy actions are read from the output ({@code rlc.action_head} in the metadata). */
  public enum HeadKind {
    /** Q-values: the action is the argmax. */
    Q_VALUES,
    /** Logits of a categorical policy: the greedy action is the argmax. */
    CATEGORICAL,
    /** Mean of a diagonal Gaussian: the greedy action is the mean (clip it to the action space). */
    GAUSSIAN,
    /** tanh output in [−1, 1], rescaled to [low, high]. */
    TANH_ACTION,
    /** A value estimate, or a graph without rlc metadata: no action reading. */
    NONE
  }

  /** The action head: its kind and, for tanh actions, the bounds. */
  public record Head(HeadKind kind, float[] low, float[] high) {}

  private RlcPolicy(String name, Map<String, String> metadata, Compiler.Result c) {
    this.name = name;
    this.metadata = Map.copyOf(metadata);
    this.steps = c.steps();
    this.inputShape = c.inputShape();
    int n = 1;
    for (int d : inputShape) n *= d;
    this.inputSize = n;
    this.outputSize = c.outputWidth();
    int m = 0;
    for (Step s : steps) m = Math.max(m, Math.max(Lanes.stride(s.inWidth()), Lanes.stride(s.outWidth())));
    this.maxStride = m;
    this.head = head(metadata, name, outputSize);
  }

  /** Loads a model file. */
  public static RlcPolicy load(Path file) throws IOException {
    return load(Files.readAllBytes(file), file.toString());
  }

  /**
   * Loads a serialized model; {@code name} labels it in error messages.
   *
   * @throws UnsupportedModelException naming the operator or form this runtime does not implement
   * @throws MalformedModelException when the bytes are not a well-formed ONNX model
   */
  public static RlcPolicy load(byte[] bytes, String name) {
    Onnx.Model m;
    try {
      m = Onnx.parse(bytes);
    } catch (MalformedModelException e) {
      throw new MalformedModelException(name + ": " + e.getMessage());
    }
    String out = m.metadata().get("rlc.action_output");
    boolean known = false;
    for (Onnx.ValueInfo v : m.graph().outputs()) known |= v.name().equals(out);
    if (!known) {
      if (m.graph().outputs().isEmpty()) throw new MalformedModelException(name + ": the graph has no output");
      out = m.graph().outputs().get(0).name();
    }
    return new RlcPolicy(name, m.metadata(), Compiler.compile(m.graph(), out, name));
  }

  private static Head head(Map<String, String> md, String name, int outputs) {
    String json = md.get("rlc.action_head");
    if (json == null) return new Head(HeadKind.NONE, null, null);
    Object parsed = Json.parse(json);
    if (!(parsed instanceof Map<?, ?> o) || !(o.get("kind") instanceof String kind))
      throw new MalformedModelException(name + ": rlc.action_head is not an object with a kind");
    return switch (kind) {
      case "q_values" -> new Head(HeadKind.Q_VALUES, null, null);
      case "categorical" -> new Head(HeadKind.CATEGORICAL, null, null);
      case "gaussian" -> new Head(HeadKind.GAUSSIAN, null, null);
      case "tanh_action" -> {
        float[] lo = Json.floats(o.get("low")), hi = Json.floats(o.get("high"));
        if (lo.length != outputs || hi.length != outputs)
          throw new MalformedModelException(name + ": tanh action bounds do not match the " + outputs + " outputs");
        yield new Head(HeadKind.TANH_ACTION, lo, hi);
      }
      default -> new Head(HeadKind.NONE, null, null);
    };
  }

  public String name() {
    return name;
  }

  /** The model's metadata_props (rlc writes provenance, environment and action head here). */
  public Map<String, String> metadata() {
    return metadata;
  }

  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Floats per observation. */
  public int inputSize() {
    return inputSize;
  }

  /** Floats per output row (actions, Q-values or logits). */
  public int outputSize() {
    return outputSize;
  }

  public Head head() {
    return head;
  }

  /** One line per compiled step: what runs, with which kernel. */
  public List<String> describe() {
    return steps.stream().map(Step::describe).toList();
  }

  /** Bytes of packed weights the kernels read. */
  public long weightBytes() {
    long n = 0;
    for (Step s : steps) n += s.weightBytes();
    return n;
  }

  /**
   * Runs {@code batch} observations laid out row after row in {@code obs} from {@code obsOffset} and
   * writes batch × {@link #outputSize()} outputs to {@code out} from {@code outOffset}. Thread-safe;
   * allocation-free once the calling thread has seen a batch this large.
   */
  public void run(float[] obs, int obsOffset, int batch, float[] out, int outOffset) {
    sessions.get().run(obs, obsOffset, batch, out, outOffset);
  }

  /** The output for one observation (a new array). */
  public float[] run(float[] observation) {
    float[] out = new float[outputSize];
    run(observation, 0, 1, out, 0);
    return out;
  }

  /** The greedy discrete action: argmax of the output (first index on ties). */
  public int discreteAction(float[] observation) {
    return sessions.get().discreteAction(observation);
  }

  /** The greedy continuous action: the Gaussian mean, or the tanh output rescaled to [low, high] (a new array). */
  public float[] continuousAction(float[] observation) {
    // rlc's graphs end with the action stage (tanh and rescaling, or the Gaussian mean clipped to the
    // box), so the output is already the action the environment receives.
    if (head.kind() != HeadKind.TANH_ACTION && head.kind() != HeadKind.GAUSSIAN)
      throw new IllegalStateException(name + ": its " + head.kind() + " head has no continuous action");
    return run(observation);
  }

  /**
   * A caller-owned scratch context: the same calls as the policy's, without the thread-local lookup.
   * Use one per thread.
   */
  public Session session() {
    return new Session();
  }

  /** Scratch memory for one thread's calls. Not thread-safe itself. */
  public final class Session {
    private final Scratch scratch = new Scratch();
    private final float[] one = new float[Lanes.stride(outputSize)];

    private Session() {}

    /** As {@link RlcPolicy#run(float[], int, int, float[], int)}. */
    public void run(float[] obs, int obsOffset, int batch, float[] out, int outOffset) {
      if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
      if (obsOffset < 0 || obsOffset + (long) batch * inputSize > obs.length)
        throw new IllegalArgumentException("obs holds fewer than " + batch + " observations of " + inputSize + " floats from " + obsOffset);
      if (outOffset < 0 || outOffset + (long) batch * outputSize > out.length)
        throw new IllegalArgumentException("out has room for fewer than " + batch + " outputs of " + outputSize + " floats");
      int extra = 0;
      for (Step s : steps) extra = Math.max(extra, s.scratchFloats(batch));
      scratch.ensure(batch, maxStride, extra);
      float[] x = scratch.a(), y = scratch.b();
      int xs = Lanes.stride(inputSize);
      for (int r = 0; r < batch; r++) {
        System.arraycopy(obs, obsOffset + r * inputSize, x, r * xs, inputSize);
        java.util.Arrays.fill(x, r * xs + inputSize, (r + 1) * xs, 0f);
      }
      for (Step s : steps) {
        if (s.inPlace()) {
          s.run(x, x, batch, scratch);
        } else {
          s.run(x, y, batch, scratch);
          float[] t = x;
          x = y;
          y = t;
        }
      }
      int ys = Lanes.stride(outputSize);
      for (int r = 0; r < batch; r++) System.arraycopy(x, r * ys, out, outOffset + r * outputSize, outputSize);
    }

    /** As {@link RlcPolicy#discreteAction}. */
    public int discreteAction(float[] observation) {
      if (observation.length != inputSize)
        throw new IllegalArgumentException("observation has " + observation.length + " values, the policy expects " + inputSize);
      run(observation, 0, 1, one, 0);
      int best = 0;
      for (int i = 1; i < outputSize; i++) if (one[i] > one[best]) best = i;
      return best;
    }
  }
}

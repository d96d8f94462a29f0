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
import java.util.concurrent.CompletableFuture;

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
 * convenience method returns. {@link Startup#FAST} trades identical arithmetic on every call for a
 * first answer within tens of milliseconds in a fresh JVM.
 */
public final class RlcPolicy {
  private final String name;
  private final Map<String, String> metadata;
  private final int[] inputShape;
  private final int inputSize, outputSize;
  private final Head head;
  /** The compiled kernels; null while a {@link Startup#FAST} policy still answers with {@link #interpreter}. */
  private volatile Plan plan;
  private final Interpreter interpreter;
  private final CompletableFuture<Plan> compiled;
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

  /**
   * How {@link #load} trades start-up time against identical arithmetic on every call.
   *
   * <p>In a fresh JVM the Vector API's first use costs tens of milliseconds of class set-up, and its
   * operations run far slower than scalar code until the JIT has compiled them: loading the committed
   * DQN and answering once took ~300 ms that way (docs/results/runtime.md).
   */
  public enum Startup {
    /** Compile and pack before {@code load} returns: every call runs the vector kernels, with the same arithmetic. */
    COMPILED,
    /**
     * Return after parsing. Calls are answered by a scalar evaluator of the graph (sums in double) while
     * the vector kernels are compiled and warmed on a background daemon thread, which then take over.
     * Answers before and after the switch agree to float rounding, not bit for bit, so a run's early
     * greedy actions can differ at near-ties. Graphs the scalar evaluator does not cover (quantized,
     * half-precision, sparse, convolutional) load as {@link #COMPILED}.
     */
    FAST
  }

  /** The compiled steps and the activation stride their buffers need. */
  private record Plan(List<Step> steps, int maxStride) {
    static Plan of(Compiler.Result c) {
      int m = 0;
      for (Step s : c.steps()) m = Math.max(m, Math.max(Lanes.stride(s.inWidth()), Lanes.stride(s.outWidth())));
      return new Plan(c.steps(), m);
    }
  }

  private RlcPolicy(String name, Map<String, String> metadata, int[] inputShape, int outputSize, Interpreter interpreter) {
    this.name = name;
    this.metadata = Map.copyOf(metadata);
    this.inputShape = inputShape;
    int n = 1;
    for (int d : inputShape) n *= d;
    this.inputSize = n;
    this.outputSize = outputSize;
    this.head = head(metadata, name, outputSize);
    this.interpreter = interpreter;
    this.compiled = new CompletableFuture<>();
  }

  private static RlcPolicy compiled(String name, Map<String, String> metadata, Compiler.Result c) {
    RlcPolicy p = new RlcPolicy(name, metadata, c.inputShape(), c.outputWidth(), null);
    p.plan = Plan.of(c);
    p.compiled.complete(p.plan);
    return p;
  }

  /**
   * A policy that answers with {@code interpreter} until a daemon thread has compiled the graph and run
   * the compiled kernels {@link #WARM_CALLS} times (the JIT compiles them meanwhile), then switches.
   * Should the compiler refuse what the evaluator covers, the policy goes on with the evaluator.
   */
  private static RlcPolicy fast(String name, Onnx.Model m, String out, Interpreter interpreter) {
    RlcPolicy p = new RlcPolicy(name, m.metadata(), new int[] {interpreter.inputSize}, interpreter.outputSize, interpreter);
    Thread t = new Thread(new Compile(p, m, out), "rlc-runtime-compile"); // a class, not a lambda: see Interpreter
    t.setDaemon(true);
    t.start();
    return p;
  }

  /** The background compile of a {@link Startup#FAST} policy. */
  private record Compile(RlcPolicy p, Onnx.Model m, String out) implements Runnable {
    @Override
    public void run() {
      try {
        Compiler.Result c = Compiler.compile(m.graph(), out, p.name);
        if (c.outputWidth() != p.outputSize || c.inputShape().length != 1 || c.inputShape()[0] != p.inputSize)
          throw new IllegalStateException(p.name + ": compiled shapes differ from the evaluator's");
        Plan plan = Plan.of(c);
        p.warm(plan);
        p.plan = plan;
        p.compiled.complete(plan);
      } catch (Throwable e) {
        p.compiled.completeExceptionally(e);
      }
    }
  }

  /** Calls the warm-up makes on the compiled kernels before they answer: past the JIT's compile thresholds. */
  static final int WARM_CALLS = 20_000;

  private void warm(Plan plan) {
    Session s = new Session();
    float[] obs = new float[inputSize], out = new float[outputSize];
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < WARM_CALLS && System.nanoTime() < deadline; i++) s.runCompiled(plan, obs, 0, 1, out, 0);
  }

  /** Loads a model file, compiled before it returns ({@link Startup#COMPILED}). */
  public static RlcPolicy load(Path file) throws IOException {
    return load(file, Startup.COMPILED);
  }

  /** Loads a model file, ready as {@code startup} says. */
  public static RlcPolicy load(Path file, Startup startup) throws IOException {
    return load(Files.readAllBytes(file), file.toString(), startup);
  }

  /** As {@link #load(byte[], String, Startup)} with {@link Startup#COMPILED}. */
  public static RlcPolicy load(byte[] bytes, String name) {
    return load(bytes, name, Startup.COMPILED);
  }

  /**
   * Loads a serialized model; {@code name} labels it in error messages.
   *
   * @throws UnsupportedModelException naming the operator or form this runtime does not implement
   * @throws MalformedModelException when the bytes are not a well-formed ONNX model
   */
  public static RlcPolicy load(byte[] bytes, String name, Startup startup) {
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
    Interpreter interpreter = startup == Startup.FAST ? Interpreter.of(m.graph(), out) : null;
    if (interpreter != null) return fast(name, m, out, interpreter);
    return compiled(name, m.metadata(), Compiler.compile(m.graph(), out, name));
  }

  /** The scalar evaluator's output for one observation (a {@link Startup#FAST} policy's; for tests). */
  float[] interpret(float[] observation) {
    if (interpreter == null) throw new IllegalStateException(name + " has no scalar evaluator");
    return interpreter.run(observation, 0);
  }

  /** Whether calls now run the compiled vector kernels (always, unless loaded {@link Startup#FAST}). */
  public boolean isCompiled() {
    return plan != null;
  }

  /**
   * Waits until the compiled kernels answer (at once unless loaded {@link Startup#FAST}) and returns
   * this policy.
   *
   * @throws IllegalStateException when the background compile failed (the policy still answers, with
   *     the scalar evaluator)
   */
  public RlcPolicy awaitCompiled() {
    try {
      compiled.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException(name + ": compiling the vector kernels failed: " + e.getCause(), e.getCause());
    }
    return this;
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

  /** One line per compiled step: what runs, with which kernel (waits for the compile, see {@link #awaitCompiled}). */
  public List<String> describe() {
    return awaitCompiled().plan.steps().stream().map(Step::describe).toList();
  }

  /** Bytes of packed weights the kernels read (waits for the compile, see {@link #awaitCompiled}). */
  public long weightBytes() {
    long n = 0;
    for (Step s : awaitCompiled().plan.steps()) n += s.weightBytes();
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
    private final float[] one = new float[outputSize];

    private Session() {}

    /** As {@link RlcPolicy#run(float[], int, int, float[], int)}. */
    public void run(float[] obs, int obsOffset, int batch, float[] out, int outOffset) {
      if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
      if (obsOffset < 0 || obsOffset + (long) batch * inputSize > obs.length)
        throw new IllegalArgumentException("obs holds fewer than " + batch + " observations of " + inputSize + " floats from " + obsOffset);
      if (outOffset < 0 || outOffset + (long) batch * outputSize > out.length)
        throw new IllegalArgumentException("out has room for fewer than " + batch + " outputs of " + outputSize + " floats");
      Plan p = plan;
      if (p != null) {
        runCompiled(p, obs, obsOffset, batch, out, outOffset);
        return;
      }
      for (int r = 0; r < batch; r++)
        System.arraycopy(interpreter.run(obs, obsOffset + r * inputSize), 0, out, outOffset + r * outputSize, outputSize);
    }

    private void runCompiled(Plan plan, float[] obs, int obsOffset, int batch, float[] out, int outOffset) {
      List<Step> steps = plan.steps();
      int extra = 0;
      for (Step s : steps) extra = Math.max(extra, s.scratchFloats(batch));
      scratch.ensure(batch, plan.maxStride(), extra);
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

package dev.rlcompress.runtime;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.rlcompress.Fixtures;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.QuantizedPolicy;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.env.Space;
import dev.rlcompress.eval.RuntimeBench;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.rt.RlcPolicy;
import dev.rlcompress.rt.UnsupportedModelException;
import dev.rlcompress.train.Mlp;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency-free Java runtime (module rlc-runtime) against the Java reference arithmetic of every
 * compression method, within the error bounds the quantization tests derive
 * ({@link QuantizedPolicy#referenceWithBound}), at batch 1 and in batches; against ONNX Runtime's
 * greedy actions on 10,000 stored states for the committed policies and their compressed variants; and
 * refusing what it does not implement by the operator's name.
 */
class JavaRuntimeTest {
  static PolicyModel dqn;
  static List<float[]> states, calibration;

  @BeforeAll
  static void fixtures() {
    Mlp net = new Mlp(new int[] {8, 256, 256, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(11));
    dqn = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 11, Map.of(), 0, List.of()));
    states = Fixtures.lunarLanderStates(1000, 5);
    calibration = Fixtures.lunarLanderStates(300, 6);
  }

  static RlcPolicy load(ModelProto p, String name) {
    return RlcPolicy.load(p.toByteArray(), name);
  }

  /** Java runtime output for every state, one at a time (batch 1) or in batches of 100. */
  static float[][] run(RlcPolicy p, List<float[]> obs, int batch) {
    float[][] out = new float[obs.size()][p.outputSize()];
    float[] in = new float[batch * p.inputSize()], y = new float[batch * p.outputSize()];
    for (int s = 0; s < obs.size(); s += batch) {
      int b = Math.min(batch, obs.size() - s);
      for (int r = 0; r < b; r++) System.arraycopy(obs.get(s + r), 0, in, r * p.inputSize(), p.inputSize());
      p.run(in, 0, b, y, 0);
      for (int r = 0; r < b; r++) System.arraycopy(y, r * p.outputSize(), out[s + r], 0, p.outputSize());
    }
    return out;
  }

  /**
   * Holds a quantized variant to its reference and bound; returns the fraction of states whose outputs
   * match the reference to float rounding.
   */
  static double checkQuantized(String name, QuantizedPolicy q, float[][] got) {
    int exact = 0;
    for (int i = 0; i < states.size(); i++) {
      QuantizedPolicy.Reference ref = q.referenceWithBound(states.get(i));
      boolean all = true;
      for (int k = 0; k < got[i].length; k++) {
        float diff = Math.abs(got[i][k] - ref.output()[k]);
        assertTrue(diff <= ref.bound() + 1e-6f * (1 + Math.abs(ref.output()[k])),
            name + ": state " + i + " output " + k + " off by " + diff + " > bound " + ref.bound());
        all &= diff <= 1e-5f * (1 + Math.abs(ref.output()[k]));
      }
      if (all) exact++;
    }
    return exact / (double) states.size();
  }

  /** Float variants against the fp32 reference: summation order is the only difference. */
  static void checkFloat(String name, PolicyModel m, float[][] got) {
    for (int i = 0; i < states.size(); i++) {
      float[] ref = m.forward(states.get(i));
      float scale = 1;
      for (float v : ref) scale = Math.max(scale, Math.abs(v));
      for (int k = 0; k < ref.length; k++)
        assertEquals(ref[k], got[i][k], 2e-5f * scale, name + ": state " + i + " output " + k);
    }
  }

  @Test
  void everyCompressionMethodMatchesItsReferenceWithinTheDerivedBound() {
    for (RuntimeBench.Variant v : RuntimeBench.variants(dqn, calibration, 20)) {
      RlcPolicy p = load(v.proto(), v.name());
      String plan = String.join("; ", p.describe());
      float[][] b1 = run(p, states, 1), b100 = run(p, states, 100);
      if (v.quantized() == null) {
        checkFloat(v.name(), v.model(), b1);
        checkFloat(v.name() + " batch 100", v.model(), b100);
      } else {
        // The bound is a worst case; beyond it, nearly every state must match the reference to float
        // rounding (integer schemes exactly, except where an input sits on a rounding boundary).
        double exact = checkQuantized(v.name(), v.quantized(), b1);
        assertTrue(exact >= 0.98, v.name() + ": only " + exact + " of the states match the reference to float rounding");
        // Dynamic int8 takes one activation scale per call: a batch quantizes differently, by design.
        if (!v.name().equals("ptdq")) {
          double exactBatch = checkQuantized(v.name() + " batch 100", v.quantized(), b100);
          assertTrue(exactBatch >= 0.98, v.name() + " batch 100: only " + exactBatch + " match to float rounding");
        }
      }
      String kernel = switch (v.name()) {
        case "ptdq" -> "dynamic int8";
        case "ptsq" -> "static int8";
        case "int4" -> "int4";
        case "binary" -> "binary";
        default -> "fp32";
      };
      assertTrue(plan.contains(kernel), v.name() + " should run the " + kernel + " kernel: " + plan);
    }
  }

  /**
   * Below the measured crossover density the sparse kernel runs, from dense or sparse storage alike: the
   * DQN with only its 256×256 layer pruned to 3% (every neuron still fed and read, so none is removed).
   */
  @Test
  void verySparseLayersRunTheSparseKernel() {
    PolicyModel sparse = dqn.mapLayers((id, l) -> {
      if (!(l instanceof dev.rlcompress.model.Layer.Linear lin) || lin.in() != 256 || lin.out() != 256) return l;
      float[] w = lin.weight().clone();
      for (int i = 0; i < w.length; i++) if (Math.floorMod(i * 2654435761L, 33) != 0) w[i] = 0f;
      return new dev.rlcompress.model.Layer.Linear(lin.in(), lin.out(), w, lin.bias());
    });
    ModelProto dense = OnnxExporter.toProto(sparse);
    for (ModelProto p : List.of(dense, dev.rlcompress.onnx.SparseStorage.toSparse(dense, 0.5))) {
      RlcPolicy rt = load(p, "97%");
      assertTrue(String.join(";", rt.describe()).contains("256x256 sparse by column"), rt.describe().toString());
      checkFloat("97% sparse", sparse, run(rt, states, 1));
      checkFloat("97% sparse batch 100", sparse, run(rt, states, 100));
    }
  }

  /**
   * Unstructured pruning leaves hidden neurons fed by no weight (their output a constant) or read by
   * none; the runtime removes them at load, folding the constants into the next bias. At 90% per layer
   * the DQN's plan shrinks (the 256×256 layer to a fraction of its size) and the policy still computes
   * what the pruned model does, to float rounding, at batch 1 and 100; with tanh between the layers
   * (PPO), the folded constants are tanh(bias).
   */
  @Test
  void neuronsThatCannotChangeTheOutputAreRemoved() throws Exception {
    var prune = dev.rlcompress.compress.prune.PruneMethod.parse("l1-unstructured", dev.rlcompress.model.Part.ALL, false, 0);
    PolicyModel ppo = OnnxImporter.read(Path.of(System.getProperty("rlc.home"), "docs/results/models", "ppo-lunarlander-v3.onnx")).actionOnly();
    for (PolicyModel m : List.of(prune.prune(dqn, 0.9), prune.prune(ppo, 0.9))) {
      RlcPolicy rt = load(OnnxExporter.toProto(m), "90%");
      List<String> plan = rt.describe();
      int hidden = m.heads().getFirst().layers().stream().filter(l -> l instanceof dev.rlcompress.model.Layer.Linear).findFirst()
          .map(l -> ((dev.rlcompress.model.Layer.Linear) l).out()).orElseThrow();
      assertTrue(plan.getFirst().startsWith("dense 8x") && !plan.getFirst().startsWith("dense 8x" + hidden + " "),
          "the first layer lost its unfed neurons: " + plan);
      checkFloat("90% pruned", m, run(rt, states, 1));
      checkFloat("90% pruned batch 100", m, run(rt, states, 100));
    }
    RlcPolicy unpruned = load(OnnxExporter.toProto(dqn), "fp32");
    assertEquals("dense 256x256 fp32 panels +relu", unpruned.describe().get(1), "a dense network keeps every neuron");
  }

  @Test
  void fullFp16GraphMatchesItsReference() {
    QuantizedPolicy q = Quantizer.quantize(dqn, new QuantOptions.Fp16Graph(false), null).policy();
    RlcPolicy p = load(q.toProto(), "fp16-graph");
    checkQuantized("fp16-graph", q, run(p, states, 1));
    checkQuantized("fp16-graph batch 100", q, run(p, states, 100));
  }

  @Test
  void normalizationTanhAndContinuousHeads() {
    SplittableRandom rng = new SplittableRandom(3);
    Mlp net = new Mlp(new int[] {8, 64, 64, 3}, Layer.Activation.Kind.TANH, Double.NaN, rng);
    float[] mean = Fixtures.rand(8, rng), std = new float[8];
    for (int i = 0; i < 8; i++) std[i] = 0.2f + (float) rng.nextDouble();
    Normalization norm = new Normalization(mean, std, 3f);
    float[] low = {-1, -2, 0}, high = {1, 2, 0.5f};
    Space.Box box = new Space.Box(new int[] {3}, low, high);
    for (HeadKind kind : List.of(new HeadKind.TanhAction(low, high), new HeadKind.Gaussian(new float[3], low, high))) {
      List<Layer> layers = new java.util.ArrayList<>(net.toLayers()); // the action stage is the head kind's, in the graph
      PolicyModel m = new PolicyModel(new int[] {8}, norm, List.of(), List.of(new Head("action", kind, layers)),
          new Provenance("td3", "Pendulum-v1", 1, Map.of(), 0, List.of()));
      RlcPolicy p = load(OnnxExporter.toProto(m), kind.tag());
      assertTrue(p.describe().getFirst().startsWith("elementwise"), "normalization runs as one elementwise step: " + p.describe());
      checkFloat(kind.tag(), m, run(p, states, 1));
      checkFloat(kind.tag() + " batch 100", m, run(p, states, 100));
      for (float[] o : states.subList(0, 200)) {
        float[] want = Actions.continuous(kind, m.forward(o), box), got = box.clip(p.continuousAction(o));
        for (int k = 0; k < 3; k++) assertEquals(want[k], got[k], 1e-5f, kind.tag() + " action " + k);
      }
    }
  }

  @Test
  void cnnPoliciesInFp32Fp16AndStaticInt8() {
    SplittableRandom rng = new SplittableRandom(5);
    Layer.Conv2d c1 = new Layer.Conv2d(2, 4, 3, 2, 1, scaled(Fixtures.rand(2 * 4 * 9, rng), 0.4f), Fixtures.rand(4, rng));
    Layer.Conv2d c2 = new Layer.Conv2d(4, 8, 3, 1, 0, scaled(Fixtures.rand(4 * 8 * 9, rng), 0.3f), Fixtures.rand(8, rng));
    Layer.Linear l1 = new Layer.Linear(8 * 4 * 4, 32, scaled(Fixtures.rand(128 * 32, rng), 0.15f), Fixtures.rand(32, rng));
    Layer.Linear l2 = new Layer.Linear(32, 3, scaled(Fixtures.rand(96, rng), 0.3f), Fixtures.rand(3, rng));
    Layer.Activation relu = new Layer.Activation(Layer.Activation.Kind.RELU);
    PolicyModel cnn = new PolicyModel(new int[] {2, 11, 11}, null, List.of(c1, relu, c2, relu, new Layer.Flatten()),
        List.of(new Head("q", new HeadKind.QValues(), List.of(l1, relu, l2))), new Provenance("dqn", "pixels", 1, Map.of(), 0, List.of()));
    List<float[]> images = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) images.add(Fixtures.rand(2 * 11 * 11, rng));
    List<float[]> saved = states;
    states = images.subList(100, 300);
    try {
      RlcPolicy fp32 = load(OnnxExporter.toProto(cnn), "cnn");
      assertTrue(String.join(";", fp32.describe()).contains("conv"), fp32.describe().toString());
      checkFloat("cnn", cnn, run(fp32, states, 1));
      checkFloat("cnn batch 100", cnn, run(fp32, states, 100));
      for (QuantOptions o : List.of(QuantOptions.defaults("fp16"), QuantOptions.defaults("ptsq"))) {
        QuantizedPolicy q = Quantizer.quantize(cnn, o, new Calibration.Given(images.subList(0, 100))).policy();
        RlcPolicy p = load(q.toProto(), o.method());
        checkQuantized("cnn " + o.method(), q, run(p, states, 1));
        checkQuantized("cnn " + o.method() + " batch 100", q, run(p, states, 100));
      }
    } finally {
      states = saved;
    }
  }

  /**
   * int4 layers of up to 1 MiB as floats are dequantized at load; a larger one (here 600×600) keeps its
   * nibbles and the kernel that widens them in registers: both forms against the same reference.
   */
  @Test
  void int4KeepsNibblesForLargeLayersAndDequantizesSmallOnes() {
    Mlp net = new Mlp(new int[] {8, 600, 600, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(13));
    PolicyModel big = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 13, Map.of(), 0, List.of()));
    QuantizedPolicy q = Quantizer.quantize(big, QuantOptions.defaults("int4"), new Calibration.Given(calibration)).policy();
    RlcPolicy p = load(q.toProto(), "int4 600");
    List<String> plan = p.describe();
    assertTrue(plan.get(0).contains("dequantized") && plan.get(1).contains("nibbles") && plan.get(2).contains("dequantized"), plan.toString());
    List<float[]> saved = states;
    states = states.subList(0, 300);
    try {
      assertTrue(checkQuantized("int4 600", q, run(p, states, 1)) >= 0.98);
      assertTrue(checkQuantized("int4 600 batch 100", q, run(p, states, 100)) >= 0.98);
    } finally {
      states = saved;
    }
  }

  static float[] scaled(float[] a, float s) {
    for (int i = 0; i < a.length; i++) a[i] *= s;
    return a;
  }

  @Test
  void refusesAnUnsupportedOperatorByName() {
    ModelProto p = OnnxExporter.toProto(dqn);
    var g = p.getGraph().toBuilder();
    for (int i = 0; i < g.getNodeCount(); i++)
      if (g.getNode(i).getOpType().equals("Relu")) {
        g.setNode(i, NodeProto.newBuilder(g.getNode(i)).setOpType("Softplus").build());
        break;
      }
    ModelProto bad = p.toBuilder().setGraph(g).build();
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> load(bad, "bad.onnx"));
    assertTrue(e.getMessage().contains("Softplus") && e.getMessage().startsWith("bad.onnx"), e.getMessage());
    UserError u = assertThrows(UserError.class, () -> Policy.of(bad, "bad.onnx", "java"));
    assertTrue(u.getMessage().contains("Softplus"), u.getMessage());
  }

  /**
   * The committed DQN and PPO policies and their compressed variants: the Java runtime's greedy action
   * equals ONNX Runtime's on 10,000 stored states, except where ORT's two best outputs are within the
   * error bound of each other (a tie either engine may break either way).
   */
  @Test
  void greedyActionsEqualOnnxRuntimeOnTenThousandStates() {
    List<float[]> many = Fixtures.lunarLanderStates(10_000, 17);
    for (String file : List.of("dqn-lunarlander-v3.onnx", "ppo-lunarlander-v3.onnx")) {
      PolicyModel m = OnnxImporter.read(Path.of(System.getProperty("rlc.home"), "docs/results/models", file));
      for (RuntimeBench.Variant v : RuntimeBench.variants(m, calibration, 20)) {
        int ties = 0;
        try (Policy ort = Policy.of(v.proto(), v.name(), "ort")) {
          RlcPolicy java = load(v.proto(), v.name());
          for (float[] o : many) {
            float[] y = ort.run(o);
            int a = Actions.argmax(y), b = java.discreteAction(o);
            if (a == b) continue;
            float bound = v.quantized() == null ? 1e-4f * (1 + Math.abs(y[a])) : 2 * v.quantized().referenceWithBound(o).bound();
            assertTrue(y[a] - y[b] <= bound, file + " " + v.name() + ": Java picks " + b + ", ORT " + a + " with a gap of "
                + (y[a] - y[b]) + " > " + bound);
            ties++;
          }
        }
        assertTrue(ties <= 20, file + " " + v.name() + ": " + ties + " ties is more than rounding explains");
      }
    }
  }

  /**
   * A session's calls allocate nothing once the JIT has compiled the kernels, at batch 1 and in batches
   * (the GEMM tiles' operands are reused from the scratch, not made per call: per-call records escaped
   * into the tiles, which C2 does not inline, and were allocated on an AVX2 machine). Bounded by 60 s
   * of CPU; up to 16 bytes a call are allowed for an object escape analysis keeps on some JIT runs.
   */
  @Test
  void steadyStateCallsAllocateNothing() {
    List<float[]> obs = Fixtures.lunarLanderStates(100, 9);
    float[] in = new float[100 * 8];
    for (int r = 0; r < 100; r++) System.arraycopy(obs.get(r), 0, in, r * 8, 8);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    for (RuntimeBench.Variant v : RuntimeBench.variants(dqn, calibration, 5)) {
      RlcPolicy.Session s = load(v.proto(), v.name()).session();
      for (int batch : new int[] {1, 100}) {
        float[] out = new float[batch * 4];
        long window = Long.MAX_VALUE, cpuStart = threads.getCurrentThreadCpuTime();
        while (window > 50 * 16 && threads.getCurrentThreadCpuTime() - cpuStart < 60e9) {
          long before = threads.getThreadAllocatedBytes(tid);
          for (int i = 0; i < 50; i++) s.run(in, 0, batch, out, 0);
          window = threads.getThreadAllocatedBytes(tid) - before;
        }
        if (window > 50 * 16) {
          int b = batch;
          fail(v.name() + " batch " + batch + ": 50 warm calls allocated " + window + " bytes; sampled at "
              + allocationSites(() -> s.run(in, 0, b, out, 0)));
        }
      }
    }
  }

  /**
   * Where {@code call} allocates, for a failure message: JFR's allocation samples over 2,000 calls, the
   * three commonest innermost frames of the runtime (or the JDK's, if none) with their counts. The
   * allocation-free property rests on the JIT (escape analysis, Vector API intrinsics), so a failure
   * needs the site to be diagnosed.
   */
  private static String allocationSites(Runnable call) {
    try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
      rec.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "off");
      rec.start();
      for (int i = 0; i < 2000; i++) call.run();
      rec.stop();
      Path file = java.nio.file.Files.createTempFile("alloc", ".jfr");
      rec.dump(file);
      Map<String, Integer> sites = new java.util.HashMap<>();
      for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
        if (e.getStackTrace() == null) continue;
        List<jdk.jfr.consumer.RecordedFrame> frames = e.getStackTrace().getFrames();
        jdk.jfr.consumer.RecordedFrame at = frames.stream()
            .filter(f -> f.getMethod().getType().getName().startsWith("dev.rlcompress.rt")).findFirst()
            .orElse(frames.isEmpty() ? null : frames.get(0));
        if (at != null)
          sites.merge(at.getMethod().getType().getName() + "." + at.getMethod().getName() + ":" + at.getLineNumber() + " ("
              + at.getType() + ")", 1, Integer::sum);
      }
      java.nio.file.Files.deleteIfExists(file);
      return sites.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
          .map(en -> en.getKey() + " ×" + en.getValue()).toList().toString();
    } catch (Exception | Error e) {
      return "(no allocation profile: " + e + ")";
    }
  }
}

package dev.rlcompress.compress.quantize;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.Fixtures;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.GraphInspector;
import dev.rlcompress.runtime.OrtPolicy;
import dev.rlcompress.train.Mlp;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every quantization method is held to its Java reference on 1,000 stored observations, with the
 * tolerance each scheme derives from its scales ({@link QuantizedPolicy#referenceWithBound}); and the
 * graphs must take the integer kernels and the sizes the method promises.
 */
class QuantizationTest {
  @TempDir static Path dir;
  static PolicyModel dqn;
  static List<float[]> states;
  static Path fp32File;

  @BeforeAll
  static void fixtures() throws Exception {
    Mlp net = new Mlp(new int[] {8, 256, 256, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(11));
    dqn = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 11, Map.of(), 0, List.of()));
    states = Fixtures.lunarLanderStates(1000, 5);
    fp32File = dir.resolve("fp32.onnx");
    OnnxExporter.write(dqn, fp32File);
  }

  /** Two calibration episodes of the policy itself. */
  static final Calibration.Source CAL = Calibration.Episodes.of("LunarLander-v3", 2, 10_000);

  static Quantizer.Result q(PolicyModel m, QuantOptions o) {
    return Quantizer.quantize(m, o, CAL);
  }

  static Distiller.Config ft(int steps, double lr) {
    return Distiller.Config.of(steps, lr).withSeed(Calibration.DEFAULT_SEED);
  }

  static Path verify(String name, Quantizer.Result r) throws Exception {
    return verify(name, r, 0.98);
  }

  /**
   * Writes the graph, runs 1,000 observations in ORT one at a time (dynamic quantization takes one
   * activation scale per call, so batch composition would change the result), and checks each output
   * against the reference and its bound. {@code minExact}: fraction of observations that must match to
   * float rounding (rounding-boundary cases are rare for integer schemes).
   */
  static Path verify(String name, Quantizer.Result r, double minExact) throws Exception {
    Path file = dir.resolve(name + ".onnx");
    OnnxExporter.write(r.policy().toProto(), file);
    int exact = 0;
    try (OrtPolicy ort = OrtPolicy.load(file)) {
      for (int i = 0; i < states.size(); i++) {
        float[] y = ort.run(states.get(i));
        QuantizedPolicy.Reference ref = r.policy().referenceWithBound(states.get(i));
        boolean allExact = true;
        for (int k = 0; k < y.length; k++) {
          float diff = Math.abs(y[k] - ref.output()[k]);
          assertTrue(diff <= ref.bound() + 1e-6f * (1 + Math.abs(ref.output()[k])),
              name + ": observation " + i + " output " + k + " differs by " + diff + " > bound " + ref.bound());
          if (diff > 1e-4f * (1 + Math.abs(ref.output()[k]))) allExact = false;
        }
        if (allExact) exact++;
      }
    }
    assertTrue(exact >= minExact * states.size(), name + ": only " + exact + " of 1000 outputs match to float rounding");
    return file;
  }

  @Test
  void ptdqPerChannelAndPerTensorMatchReferenceAndFuseToIntegerKernel() throws Exception {
    for (boolean pc : new boolean[] {true, false}) {
      Path f = verify("ptdq-" + pc, q(dqn, new QuantOptions.Ptdq(Part.ALL, pc, false, false)));
      Map<String, Integer> ops = GraphInspector.optimizedOps(f);
      assertEquals(3, ops.getOrDefault("DynamicQuantizeMatMul", 0), "ORT fused every layer: " + ops);
      assertFalse(ops.containsKey("MatMulInteger"), ops.toString());
    }
  }

  @Test
  void ptsqWithEveryObserverMatchesReferenceAndRunsQGemm() throws Exception {
    for (Observer o : List.of(new Observer.MinMax(), new Observer.MovingAverage(0.01f, 32), new Observer.Percentile(99.99),
        new Observer.Mse(2048))) {
      Path f = verify("ptsq-" + o.name(), q(dqn, new QuantOptions.Ptsq(Part.ALL, true, o, false, false)));
      Map<String, Integer> ops = GraphInspector.optimizedOps(f);
      assertEquals(3, ops.getOrDefault("QGemm", 0), o.name() + ": " + ops);
      assertFalse(ops.containsKey("Gemm") || ops.containsKey("FusedGemm"), "no float Gemm left: " + ops);
    }
  }

  @Test
  void fp16WeightsAndFullGraphMatchReference() throws Exception {
    verify("fp16", q(dqn, new QuantOptions.Fp16(Part.ALL, false)));
    // fp16 rounding of intermediates differs by an fp16 ulp with summation order: hold to the bound only.
    verify("fp16-full", q(dqn, new QuantOptions.Fp16Graph(false)), 0);
  }

  @Test
  void int4MatchesReferenceAndRunsMatMulNBits() throws Exception {
    Path f = verify("int4", q(dqn, new QuantOptions.Int4(Part.ALL, 32, false)));
    assertEquals(3, GraphInspector.optimizedOps(f).getOrDefault("MatMulNBits", 0));
  }

  @Test
  void qatAndBinaryFineTuneThenMatchReference() throws Exception {
    Quantizer.Result qat = q(dqn, new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(), ft(30, 1e-4), false));
    assertNotEquals(dqn.actionHead().layers(), qat.policy().model().actionHead().layers(), "fine-tuning changed the weights");
    Path f = verify("qat", qat);
    assertEquals(3, GraphInspector.optimizedOps(f).getOrDefault("QGemm", 0));
    Quantizer.Result sharp = q(dqn,
        new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(), ft(30, 1e-4).withTemperature(0.01), false));
    assertTrue("0.01".equals(sharp.policy().model().provenance().compression().getLast().parameters().get("distill-tau")));
    verify("qat-sharpened", sharp);
    Quantizer.Result bin = q(dqn, new QuantOptions.Binary(Part.ALL, ft(30, 1e-3), false));
    verify("binary", bin);
    long weights = 8 * 256 + 256 * 256 + 256 * 4;
    assertTrue(bin.packedWeightBytes() < weights / 8 + 12 * (256 + 256 + 4), "bit-packed size " + bin.packedWeightBytes());
  }

  @Test
  void inputEqualizationIsAnExactReparametrizationAndStillMatchesReference() throws Exception {
    PolicyModel eq = InputEqualization.apply(dqn, states);
    for (float[] o : states.subList(0, 200)) {
      float[] a = dqn.forward(o), b = eq.forward(o);
      for (int k = 0; k < a.length; k++) assertEquals(a[k], b[k], 1e-4f * (1 + Math.abs(a[k])));
    }
    Quantizer.Result r = Quantizer.quantize(dqn, new QuantOptions.Ptdq(Part.ALL, true, true, false), new Calibration.Given(states));
    verify("ptdq-equalized", r);
    verify("ptsq-equalized", Quantizer.quantize(dqn, new QuantOptions.Ptsq(Part.ALL, true, new Observer.MinMax(), true, false),
        new Calibration.Given(states)));
  }

  @Test
  void quantizationComposesWithPruning() throws Exception {
    PolicyModel structured = dev.rlcompress.compress.prune.StructuredPruner.prune(dqn, dev.rlcompress.compress.prune.Importance.L2, 0.5, Part.ALL);
    Quantizer.Result r = q(structured, Quantizer.defaults("ptdq"));
    assertEquals(2, r.policy().model().provenance().compression().size(), "prune step then quantize step");
    verify("pruned-ptdq", r);
    PolicyModel sparse = dev.rlcompress.compress.prune.UnstructuredPruner.prune(dqn, 0.3, Part.ALL, false);
    verify("sparse-ptsq", Quantizer.quantize(sparse, Quantizer.defaults("ptsq"), new Calibration.Given(states)));
    assertThrows(UserError.class, () -> q(r.policy().model(), Quantizer.defaults("ptdq")), "no double quantization");
  }

  @Test
  void sizesDropAsPromised() throws Exception {
    long fp32 = Files.size(fp32File);
    long weightBytes = 4L * (8 * 256 + 256 * 256 + 256 * 4);
    long int8 = Files.size(verify("size-int8", q(dqn, Quantizer.defaults("ptdq"))));
    long fp16 = Files.size(verify("size-fp16", q(dqn, new QuantOptions.Fp16(Part.ALL, false))));
    long int4 = Files.size(verify("size-int4", q(dqn, new QuantOptions.Int4(Part.ALL, 32, false))));
    // int8: a quarter of the weights plus per-channel scales, biases and metadata.
    assertTrue(int8 < weightBytes / 4 + 4 * 1100 + 4096, "int8 " + int8 + " vs fp32 " + fp32);
    assertTrue(int8 > weightBytes / 4, "int8 still holds one byte per weight");
    assertTrue(Math.abs(fp16 - fp32 / 2.0) < 4096, "fp16 halves the file: " + fp16 + " vs " + fp32);
    // int4 with 32-wide blocks: half a byte per weight plus one fp32 scale per block.
    long int4Weights = weightBytes / 8 + 4L * (8 * 256 / 8 + 256 * 256 / 32 + 256 * 4 / 32);
    assertTrue(int4 < int4Weights + 4 * 1100 + 4096 && int4 > weightBytes / 8, "int4 " + int4);
  }

  @Test
  void convolutionalPolicyGetsIntegerConvolutions() throws Exception {
    SplittableRandom rng = new SplittableRandom(2);
    Layer.Conv2d c1 = new Layer.Conv2d(2, 8, 3, 2, 1, Fixtures.rand(8 * 2 * 9, rng), Fixtures.rand(8, rng));
    Layer.Linear fc = new Layer.Linear(8 * 5 * 5, 4, Fixtures.rand(200 * 4, rng), Fixtures.rand(4, rng));
    PolicyModel cnn = new PolicyModel(new int[] {2, 9, 9}, null,
        List.of(c1, new Layer.Activation(Layer.Activation.Kind.RELU), new Layer.Flatten()),
        List.of(new Head("pi", new HeadKind.Categorical(), List.of(fc))), new Provenance("ppo", "none", 0, Map.of(), 0, List.of()));
    List<float[]> obs = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) obs.add(Fixtures.rand(162, rng));
    Quantizer.Result r = Quantizer.quantize(cnn, Quantizer.defaults("ptsq"), new Calibration.Given(obs));
    Path f = dir.resolve("cnn-ptsq.onnx");
    OnnxExporter.write(r.policy().toProto(), f);
    try (OrtPolicy ort = OrtPolicy.load(f)) {
      for (float[] o : obs) {
        QuantizedPolicy.Reference ref = r.policy().referenceWithBound(o);
        float[] y = ort.run(o);
        for (int k = 0; k < y.length; k++) assertEquals(ref.output()[k], y[k], ref.bound() + 1e-5f);
      }
    }
    Map<String, Integer> ops = GraphInspector.optimizedOps(f);
    assertTrue(ops.containsKey("QLinearConv"), "integer convolution: " + ops);
    assertTrue(ops.containsKey("QGemm"), "integer Gemm after the Flatten: " + ops);
    // Dynamic int8 covers Linear layers only: a CNN must pick the head.
    UserError e = assertThrows(UserError.class, () -> q(cnn, Quantizer.defaults("ptdq")));
    assertTrue(e.getMessage().contains("Conv2d"), e.getMessage());
    assertEquals(java.util.Set.of(new LayerId("pi", 0)),
        q(cnn, new QuantOptions.Ptdq(Part.HEAD, true, false, false)).policy().selected());
  }

  /**
   * A pixel policy's head fine-tunes on the features of its frozen convolutions: binary weights on the
   * head after distillation stay closer to the fp32 policy than the same binarization untuned, the
   * convolutions are untouched, and the exported graph matches its reference.
   */
  @Test
  void pixelPolicyHeadFineTunesOnFrozenConvolutions() throws Exception {
    SplittableRandom rng = new SplittableRandom(5);
    Layer.Conv2d c1 = new Layer.Conv2d(2, 8, 3, 2, 1, Fixtures.rand(8 * 2 * 9, rng), Fixtures.rand(8, rng));
    Layer.Linear fc1 = new Layer.Linear(8 * 5 * 5, 32, Fixtures.rand(200 * 32, rng), Fixtures.rand(32, rng));
    Layer.Linear fc2 = new Layer.Linear(32, 4, Fixtures.rand(32 * 4, rng), Fixtures.rand(4, rng));
    Layer relu = new Layer.Activation(Layer.Activation.Kind.RELU);
    PolicyModel cnn = new PolicyModel(new int[] {2, 9, 9}, null, List.of(c1, relu, new Layer.Flatten()),
        List.of(new Head("pi", new HeadKind.Categorical(), List.of(fc1, relu, fc2))),
        new Provenance("ppo", "none", 0, Map.of(), 0, List.of()));
    List<float[]> obs = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) obs.add(Fixtures.rand(162, rng));
    Calibration.Given given = new Calibration.Given(obs);
    Quantizer.Result untuned = Quantizer.quantize(cnn, new QuantOptions.Binary(Part.HEAD, ft(0, 1e-3), false), given);
    Quantizer.Result tuned = Quantizer.quantize(cnn, new QuantOptions.Binary(Part.HEAD, ft(300, 1e-3), false), given);
    assertEquals(List.of(c1, relu, new Layer.Flatten()).toString(), tuned.policy().model().trunk().toString(),
        "the convolutions are not trained");
    assertArrayEquals(c1.weight(), ((Layer.Conv2d) tuned.policy().model().trunk().get(0)).weight());
    double klUntuned = 0, klTuned = 0;
    for (float[] o : obs) {
      float[] t = cnn.forward(o);
      klUntuned += kl(t, untuned.policy().referenceWithBound(o).output());
      klTuned += kl(t, tuned.policy().referenceWithBound(o).output());
    }
    assertTrue(klTuned < 0.7 * klUntuned, "distillation brought the binary head closer to the fp32 policy: KL "
        + klTuned / obs.size() + " against " + klUntuned / obs.size() + " untuned");
    Path f = dir.resolve("cnn-binary-head.onnx");
    OnnxExporter.write(tuned.policy().toProto(), f);
    try (OrtPolicy ort = OrtPolicy.load(f)) {
      for (float[] o : obs.subList(0, 50)) {
        QuantizedPolicy.Reference ref = tuned.policy().referenceWithBound(o);
        float[] y = ort.run(o);
        for (int k = 0; k < y.length; k++) assertEquals(ref.output()[k], y[k], ref.bound() + 1e-5f);
      }
    }
    UserError e = assertThrows(UserError.class,
        () -> Quantizer.quantize(cnn, new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(), ft(10, 1e-4), false), given));
    assertTrue(e.getMessage().contains("--part head"), e.getMessage());
  }

  /** KL(softmax(p) ‖ softmax(q)) of two logit vectors. */
  static double kl(float[] p, float[] q) {
    double mp = Double.NEGATIVE_INFINITY, mq = Double.NEGATIVE_INFINITY, zp = 0, zq = 0, out = 0;
    for (int i = 0; i < p.length; i++) {
      mp = Math.max(mp, p[i]);
      mq = Math.max(mq, q[i]);
    }
    for (int i = 0; i < p.length; i++) {
      zp += Math.exp(p[i] - mp);
      zq += Math.exp(q[i] - mq);
    }
    for (int i = 0; i < p.length; i++) {
      double lp = p[i] - mp - Math.log(zp), lq = q[i] - mq - Math.log(zq);
      out += Math.exp(lp) * (lp - lq);
    }
    return out;
  }

  @Test
  void badInputIsRejectedClearly() {
    PolicyModel tiny = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(new Layer.Linear(4, 2, new float[8], new float[2])))),
        new Provenance("dqn", "CartPole-v1", 0, Map.of(), 0, List.of()));
    assertThrows(UserError.class, () -> q(tiny, new QuantOptions.Ptdq(Part.FEATURES, true, false, false)),
        "an MLP with one layer has no feature part");
    assertThrows(UserError.class, () -> new Calibration.Given(List.of()), "empty calibration set");
    assertThrows(UserError.class, () -> Calibration.Episodes.of("LunarLander-v3", 0, 10));
    assertThrows(UserError.class, () -> Observer.parse("kl"));
  }

  /**
   * Every transformation a quantization applies is its own provenance entry, in order: centering,
   * equalization (where the method has it), the quantization with its parameters.
   */
  @Test
  void historyListsEveryStepForEveryMethod() {
    Calibration.Source given = new Calibration.Given(states.subList(0, 300));
    Distiller.Config tiny = ft(5, 1e-4);
    Map<QuantOptions, List<String>> expected = new java.util.LinkedHashMap<>();
    List<String> centerEqualize = List.of("output-centering", "input-equalization");
    expected.put(new QuantOptions.Ptdq(Part.ALL, true, true, true), centerEqualize);
    expected.put(new QuantOptions.Ptsq(Part.ALL, true, new Observer.Mse(2048), true, true), centerEqualize);
    expected.put(new QuantOptions.Fp16(Part.ALL, true), List.of("output-centering"));
    expected.put(new QuantOptions.Fp16Graph(true), List.of("output-centering"));
    expected.put(new QuantOptions.Int4(Part.ALL, 32, true), List.of("output-centering"));
    expected.put(new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(), tiny.withTemperature(0.01), true), List.of("output-centering"));
    expected.put(new QuantOptions.Binary(Part.ALL, tiny, true), List.of("output-centering"));
    for (var e : expected.entrySet()) {
      List<CompressionStep> h = Quantizer.quantize(dqn, e.getKey(), given).policy().model().provenance().compression();
      List<String> methods = new java.util.ArrayList<>(e.getValue());
      methods.add(e.getKey().method());
      assertEquals(methods, h.stream().map(CompressionStep::method).toList(), e.getKey().toString());
      CompressionStep q = h.getLast();
      assertInstanceOf(CompressionStep.Quantization.class, q);
      assertTrue(q.parameters().containsKey("scheme"), q.describe());
      if (e.getKey().needsStates()) assertEquals("given/300states", q.parameters().getOrDefault("calibration",
          h.get(1).parameters().get("calibration")), q.describe());
    }
    QuantOptions.Ptsq plain = new QuantOptions.Ptsq(Part.ALL, false, new Observer.Percentile(99.99), false, false);
    CompressionStep only = Quantizer.quantize(dqn, plain, given).policy().model().provenance().compression().getLast();
    assertEquals(Map.of("scheme", "ptsq-int8-per-tensor", "calibration", "given/300states", "observer", "percentile"), only.parameters());
  }

  @Test
  void nonFiniteInputsNeverBecomeScales() {
    List<float[]> bad = new java.util.ArrayList<>(states.subList(0, 50));
    bad.add(new float[] {Float.NaN, 0, 0, 0, 0, 0, 0, 0});
    UserError e = assertThrows(UserError.class, () -> Quantizer.quantize(dqn, Quantizer.defaults("ptsq"), new Calibration.Given(bad)));
    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    Layer.Linear first = (Layer.Linear) dqn.actionHead().layers().get(0);
    float[] w = first.weight().clone();
    w[3] = Float.POSITIVE_INFINITY;
    List<Layer> layers = new java.util.ArrayList<>(dqn.actionHead().layers());
    layers.set(0, new Layer.Linear(first.in(), first.out(), w, first.bias()));
    PolicyModel inf = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), layers)), dqn.provenance());
    for (QuantOptions o : List.of(Quantizer.defaults("ptdq"), Quantizer.defaults("ptsq"), Quantizer.defaults("int4"))) {
      UserError u = assertThrows(UserError.class, () -> Quantizer.quantize(inf, o, new Calibration.Given(states.subList(0, 50))));
      assertTrue(u.getMessage().contains("q.0.weight"), u.getMessage());
    }
    assertThrows(UserError.class, () -> OnnxExporter.toProto(inf), "the exporter refuses non-finite weights");
  }
}

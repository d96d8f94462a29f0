package dev.rlcompress.compress.quantize;
import dev.rlcompress.compress.Part;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.model.Head;
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

  static Quantizer.Spec spec(Quantizer.Method m) {
    return Quantizer.Spec.defaults(m, "LunarLander-v3");
  }

  static Quantizer.Spec with(Quantizer.Spec s, boolean perChannel, Observer o, boolean fullFp16, int steps) {
    return new Quantizer.Spec(s.method(), s.part(), perChannel, o, s.envId(), 2, s.calibrationSeed(),
        s.maxCalibrationStates(), s.blockSize(), fullFp16, steps, s.finetuneLr(), false, false, Double.NaN);
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
      Path f = verify("ptdq-" + pc, Quantizer.quantize(dqn, with(spec(Quantizer.Method.PTDQ), pc, new Observer.MinMax(), false, 0)));
      Map<String, Integer> ops = GraphInspector.optimizedOps(f);
      assertEquals(3, ops.getOrDefault("DynamicQuantizeMatMul", 0), "ORT fused every layer: " + ops);
      assertFalse(ops.containsKey("MatMulInteger"), ops.toString());
    }
  }

  @Test
  void ptsqWithEveryObserverMatchesReferenceAndRunsQGemm() throws Exception {
    for (Observer o : List.of(new Observer.MinMax(), new Observer.MovingAverage(0.01f, 32), new Observer.Percentile(99.99),
        new Observer.Mse(2048))) {
      Path f = verify("ptsq-" + o.name(), Quantizer.quantize(dqn, with(spec(Quantizer.Method.PTSQ), true, o, false, 0)));
      Map<String, Integer> ops = GraphInspector.optimizedOps(f);
      assertEquals(3, ops.getOrDefault("QGemm", 0), o.name() + ": " + ops);
      assertFalse(ops.containsKey("Gemm") || ops.containsKey("FusedGemm"), "no float Gemm left: " + ops);
    }
  }

  @Test
  void fp16WeightsAndFullGraphMatchReference() throws Exception {
    verify("fp16", Quantizer.quantize(dqn, spec(Quantizer.Method.FP16)));
    // fp16 rounding of intermediates differs by an fp16 ulp with summation order: hold to the bound only.
    verify("fp16-full", Quantizer.quantize(dqn, with(spec(Quantizer.Method.FP16), true, new Observer.MinMax(), true, 0)), 0);
  }

  @Test
  void int4MatchesReferenceAndRunsMatMulNBits() throws Exception {
    Path f = verify("int4", Quantizer.quantize(dqn, spec(Quantizer.Method.INT4)));
    assertEquals(3, GraphInspector.optimizedOps(f).getOrDefault("MatMulNBits", 0));
  }

  @Test
  void qatAndBinaryFineTuneThenMatchReference() throws Exception {
    Quantizer.Result qat = Quantizer.quantize(dqn, with(spec(Quantizer.Method.QAT), true, new Observer.MinMax(), false, 30));
    assertNotEquals(dqn.actionHead().layers(), qat.policy().model().actionHead().layers(), "fine-tuning changed the weights");
    Path f = verify("qat", qat);
    assertEquals(3, GraphInspector.optimizedOps(f).getOrDefault("QGemm", 0));
    Quantizer.Result sharp = Quantizer.quantize(dqn,
        with(spec(Quantizer.Method.QAT), true, new Observer.MinMax(), false, 30).withDistillTemperature(0.01));
    assertTrue(sharp.policy().model().provenance().compression().getLast().contains("distill-tau=0.01"));
    verify("qat-sharpened", sharp);
    Quantizer.Result bin = Quantizer.quantize(dqn, with(spec(Quantizer.Method.BINARY), true, new Observer.MinMax(), false, 30));
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
    Quantizer.Spec s = with(spec(Quantizer.Method.PTDQ), true, new Observer.MinMax(), false, 0).withEqualizeInputs(true);
    Quantizer.Result r = Quantizer.quantize(dqn, s, states);
    assertTrue(r.policy().model().provenance().compression().getLast().contains("equalized-inputs"));
    verify("ptdq-equalized", r);
    Quantizer.Spec q = with(spec(Quantizer.Method.PTSQ), true, new Observer.MinMax(), false, 0).withEqualizeInputs(true);
    verify("ptsq-equalized", Quantizer.quantize(dqn, q, states));
  }

  @Test
  void quantizationComposesWithPruning() throws Exception {
    PolicyModel structured = dev.rlcompress.compress.prune.StructuredPruner.prune(dqn, dev.rlcompress.compress.prune.Importance.L2, 0.5, 0);
    Quantizer.Result r = Quantizer.quantize(structured, spec(Quantizer.Method.PTDQ));
    assertEquals(2, r.policy().model().provenance().compression().size(), "prune step then quantize step");
    verify("pruned-ptdq", r);
    PolicyModel sparse = dev.rlcompress.compress.prune.UnstructuredPruner.prune(dqn, 0.3, Part.ALL, false);
    verify("sparse-ptsq", Quantizer.quantize(sparse, spec(Quantizer.Method.PTSQ), states));
    assertThrows(UserError.class, () -> Quantizer.quantize(r.policy().model(), spec(Quantizer.Method.PTDQ)), "no double quantization");
  }

  @Test
  void sizesDropAsPromised() throws Exception {
    long fp32 = Files.size(fp32File);
    long weightBytes = 4L * (8 * 256 + 256 * 256 + 256 * 4);
    long int8 = Files.size(verify("size-int8", Quantizer.quantize(dqn, spec(Quantizer.Method.PTDQ))));
    long fp16 = Files.size(verify("size-fp16", Quantizer.quantize(dqn, spec(Quantizer.Method.FP16))));
    long int4 = Files.size(verify("size-int4", Quantizer.quantize(dqn, spec(Quantizer.Method.INT4))));
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
    Quantizer.Result r = Quantizer.quantize(cnn, spec(Quantizer.Method.PTSQ), obs);
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
    UserError e = assertThrows(UserError.class, () -> Quantizer.quantize(cnn, spec(Quantizer.Method.PTDQ)));
    assertTrue(e.getMessage().contains("Conv2d"), e.getMessage());
    Quantizer.Spec head = new Quantizer.Spec(Quantizer.Method.PTDQ, Part.HEAD, true, new Observer.MinMax(), "none", 1, 0, 10, 32, false, 0, 0, false, false, Double.NaN);
    assertEquals(java.util.Set.of("pi.0"), Quantizer.quantize(cnn, head).policy().selected());
  }

  @Test
  void badInputIsRejectedClearly() {
    PolicyModel tiny = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(new Layer.Linear(4, 2, new float[8], new float[2])))),
        new Provenance("dqn", "CartPole-v1", 0, Map.of(), 0, List.of()));
    Quantizer.Spec features = new Quantizer.Spec(Quantizer.Method.PTDQ, Part.FEATURES, true, new Observer.MinMax(), "CartPole-v1", 1, 0, 10, 32, false, 0, 0, false, false, Double.NaN);
    assertThrows(UserError.class, () -> Quantizer.quantize(tiny, features), "an MLP with one layer has no feature part");
    assertThrows(UserError.class, () -> Quantizer.quantize(dqn, spec(Quantizer.Method.PTSQ), List.of()), "empty calibration set");
    Quantizer.Spec zeroEpisodes = new Quantizer.Spec(Quantizer.Method.PTSQ, Part.ALL, true, new Observer.MinMax(), "LunarLander-v3", 0, 0, 10, 32, false, 0, 0, false, false, Double.NaN);
    assertThrows(UserError.class, () -> Quantizer.quantize(dqn, zeroEpisodes));
    assertThrows(UserError.class, () -> Observer.parse("kl"));
  }
}

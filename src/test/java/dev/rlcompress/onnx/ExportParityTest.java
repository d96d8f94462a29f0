package dev.rlcompress.onnx;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Step;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.runtime.OrtPolicy;
import dev.rlcompress.train.Mlp;
import dev.rlcompress.train.Torch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import static dev.rlcompress.Fixtures.lunarLanderStates;
import static dev.rlcompress.Fixtures.rand;
import org.junit.jupiter.api.io.TempDir;

/** An exported graph must compute what the training network and the Java reference compute. */
class ExportParityTest {
  @TempDir Path dir;

  @Test
  void ortMatchesDjlNetworkOnTenThousandStates() throws Exception {
    Mlp net = new Mlp(new int[] {8, 256, 256, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(3));
    PolicyModel model = new PolicyModel(new int[] {8}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 3, Map.of("lr", "1e-3"), 0, List.of()));
    Path file = dir.resolve("m.onnx");
    OnnxExporter.write(model, file);
    List<float[]> states = lunarLanderStates(10_000, 1);
    float[] flat = new float[states.size() * 8];
    for (int i = 0; i < states.size(); i++) System.arraycopy(states.get(i), 0, flat, i * 8, 8);
    float[] djl;
    try (NDManager m = Torch.newManager()) {
      NDArray x = m.create(flat, new Shape(states.size(), 8));
      djl = net.forward(net.toTensors(m, false), x).toFloatArray();
    }
    try (OrtPolicy p = OrtPolicy.load(file)) {
      float[][] ort = p.run(states.toArray(new float[0][]));
      int mismatches = 0;
      for (int i = 0; i < states.size(); i++) {
        float[] d = java.util.Arrays.copyOfRange(djl, i * 4, i * 4 + 4);
        for (int k = 0; k < 4; k++) assertEquals(d[k], ort[i][k], 1e-4f + 1e-4f * Math.abs(d[k]), "state " + i);
        float[] ref = model.forward(states.get(i));
        for (int k = 0; k < 4; k++) assertEquals(ref[k], ort[i][k], 1e-4f + 1e-4f * Math.abs(ref[k]));
        if (Actions.argmax(d) != Actions.argmax(ort[i])) mismatches++;
      }
      assertEquals(0, mismatches, "greedy actions differ on " + mismatches + " of 10,000 states");
    }
  }

  @Test
  void convolutionalModelWithNormalizationMatchesJavaReference() throws Exception {
    SplittableRandom rng = new SplittableRandom(5);
    Layer.Conv2d c1 = new Layer.Conv2d(2, 4, 3, 2, 1, rand(4 * 2 * 9, rng), rand(4, rng));
    Layer.Conv2d c2 = new Layer.Conv2d(4, 3, 3, 1, 0, rand(3 * 4 * 9, rng), rand(3, rng));
    // 2x9x9 -> conv(s2,p1) 4x5x5 -> conv 3x3x3 -> flatten 27 -> 5 logits ; value 1
    Layer.Linear fc = new Layer.Linear(27, 5, rand(27 * 5, rng), rand(5, rng));
    Layer.Linear v = new Layer.Linear(27, 1, rand(27, rng), rand(1, rng));
    float[] mean = rand(162, rng), std = new float[162];
    java.util.Arrays.fill(std, 2f);
    PolicyModel model = new PolicyModel(new int[] {2, 9, 9}, new Normalization(mean, std, 5f),
        List.of(c1, new Layer.Activation(Layer.Activation.Kind.RELU), c2, new Layer.Activation(Layer.Activation.Kind.TANH), new Layer.Flatten()),
        List.of(new Head("pi", new HeadKind.Categorical(), List.of(fc)), new Head("v", new HeadKind.Value(), List.of(v))),
        new Provenance("ppo", "none", 0, Map.of(), 0, List.of()));
    Path file = dir.resolve("cnn.onnx");
    OnnxExporter.write(model, file);
    assertEquals(model, OnnxImporter.read(file), "import(export(m)) == m");
    try (OrtPolicy p = OrtPolicy.load(file)) {
      for (int t = 0; t < 50; t++) {
        float[] x = rand(162, rng);
        for (int i = 0; i < x.length; i++) x[i] *= 8; // exercises the clip
        float[] ref = model.forward(x), ort = p.run(x);
        assertArrayEquals(ref, ort, 1e-4f);
      }
    }
  }

  @Test
  void metadataCarriesProvenance() throws Exception {
    Mlp net = new Mlp(new int[] {4, 8, 2}, Layer.Activation.Kind.TANH, 0.01, new SplittableRandom(1));
    Provenance prov = new Provenance("ppo", "CartPole-v1", 17, Map.of("gamma", "0.98"), 12345, List.of(
        new dev.rlcompress.model.CompressionStep.Pruning("unstructured-l1", dev.rlcompress.model.Part.HEAD, Map.of("ratio", "0.3"))));
    PolicyModel model = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("pi", new HeadKind.Categorical(), net.toLayers())), prov);
    Path file = dir.resolve("p.onnx");
    OnnxExporter.write(model, file);
    try (OrtPolicy p = OrtPolicy.load(file)) {
      assertEquals(prov, p.provenance());
      assertEquals("CartPole-v1", p.metadata().get(ModelFormat.ENV));
    }
  }

}

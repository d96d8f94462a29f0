package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.OrtPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNN policies export to ONNX as the network the trainer runs: on 16 stored Breakout observations
 * (raw 0..255 stacks recorded through the bridge), ONNX Runtime on the exported file — which consumes
 * raw frames, the 1/255 scaling inside the graph — gives the logits PyTorch computes in training
 * (uint8 in, space-to-depth convolutions), within float tolerance, and the same greedy actions; the
 * Java runtime (rlc-runtime) and the Java reference forward pass agree too. The layers are split as {@code --part} expects: the
 * convolutions are the features, the fully connected layers the head.
 */
class PixelPolicyExportTest {
  @TempDir Path dir;

  static final int N = 16, FRAME = 4 * 84 * 84;

  static byte[] observations() throws IOException {
    try (InputStream in = new GZIPInputStream(PixelPolicyExportTest.class.getResourceAsStream("breakout-observations.u8.gz"))) {
      byte[] b = in.readAllBytes();
      assertEquals(N * FRAME, b.length);
      return b;
    }
  }

  static float[] frame(byte[] obs, int i) {
    float[] f = new float[FRAME];
    for (int k = 0; k < FRAME; k++) f[k] = obs[i * FRAME + k] & 0xFF;
    return f;
  }

  /**
   * Randomly initialised policies put out near-equal logits (gains 0.01), where a greedy action is a
   * coin toss between near-ties; the policy layers' weights are scaled so the logits spread as a
   * trained policy's do and the comparison of greedy actions means something.
   */
  static void spread(ConvNet policyLayers) {
    for (int p = 0; p < policyLayers.params.length; p += 2)
      for (int i = 0; i < policyLayers.params[p].length; i++) policyLayers.params[p][i] *= 300f;
  }

  void assertExportMatches(PolicyModel model, float[] djlLogits, int nActions) throws Exception {
    Path file = dir.resolve("policy.onnx");
    OnnxExporter.write(model.actionOnly(), file);
    byte[] obs = observations();
    float[][] batch = new float[N][];
    for (int i = 0; i < N; i++) batch[i] = frame(obs, i);
    float[][] ort;
    try (OrtPolicy p = OrtPolicy.load(file)) {
      assertArrayEquals(new int[] {4, 84, 84}, p.inputShape());
      ort = p.run(batch);
    }
    double scale = 0, worst = 0, closest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < N; i++) {
      for (int a = 0; a < nActions; a++) {
        scale = Math.max(scale, Math.abs(djlLogits[i * nActions + a]));
        worst = Math.max(worst, Math.abs(ort[i][a] - djlLogits[i * nActions + a]));
      }
      int ga = argmax(ort[i], 0, nActions), gd = argmax(djlLogits, i * nActions, nActions);
      assertEquals(gd, ga, "greedy action of observation " + i);
      for (int a = 0; a < nActions; a++)
        if (a != gd) closest = Math.min(closest, djlLogits[i * nActions + gd] - djlLogits[i * nActions + a]);
    }
    double tolerance = 1e-4 * Math.max(1, scale);
    assertTrue(worst <= tolerance, "ONNX Runtime vs PyTorch logits: max |diff| " + worst + " at scale " + scale);
    assertTrue(closest > 10 * tolerance, "no near-tie decides a greedy action (closest gap " + closest + ")");
    // so does the dependency-free Java runtime on the same file (its Vector-API kernels sum in another order)
    try (dev.rlcompress.runtime.Policy java = dev.rlcompress.runtime.Policy.load(file, "java")) {
      float[][] j = java.run(batch);
      for (int i = 0; i < N; i++) {
        assertEquals(argmax(djlLogits, i * nActions, nActions), argmax(j[i], 0, nActions), "Java runtime, observation " + i);
        for (int a = 0; a < nActions; a++) assertEquals(djlLogits[i * nActions + a], j[i][a], 2 * tolerance);
      }
    }
    // the Java reference forward pass and a re-imported model agree as well
    PolicyModel back = OnnxImporter.read(file);
    for (int i = 0; i < 2; i++) {
      float[] ref = back.forward(batch[i]);
      for (int a = 0; a < nActions; a++) assertEquals(djlLogits[i * nActions + a], ref[a], 1e-4 * Math.max(1, scale));
    }
  }

  static int argmax(float[] x, int from, int n) {
    int best = 0;
    for (int a = 1; a < n; a++) if (x[from + a] > x[from + best]) best = a;
    return best;
  }

  static Provenance provenance(String algo) {
    return new Provenance(algo, "ALE/Breakout-v5", 3, Map.of(), 0, List.of());
  }

  @Test
  void natureCnnExportMatchesTheTrainingNetwork() throws Exception {
    PpoCnn.Net net = PpoCnn.Net.create(new int[] {4, 84, 84}, new int[] {512}, 4, new SplittableRandom(3));
    spread(net.pi());
    float[] logits;
    try (NDManager m = Torch.newManager()) {
      logits = net.infer(net.tensors(m, false), PixelRollouts.frames(m, observations(), 0, N, new int[] {4, 84, 84})).logits();
    }
    PolicyModel model = net.model(provenance("ppo"));
    assertExportMatches(model, logits, 4);

    assertEquals(PpoCnn.PIXELS, model.normalization(), "raw frames are scaled by 1/255 inside the model");
    List<PolicyModel.NamedLayer> features = Part.FEATURES.select(model), head = Part.HEAD.select(model);
    assertEquals(3, features.size());
    for (var f : features) assertInstanceOf(Layer.Conv2d.class, f.layer());
    assertEquals(List.of("3136->512", "512->4"),
        head.stream().map(h -> ((Layer.Linear) h.layer()).in() + "->" + ((Layer.Linear) h.layer()).out()).toList());
  }

  @Test
  void rndAgentExportMatchesTheTrainingNetwork() throws Exception {
    PpoRnd.Net net = PpoRnd.Net.create(new int[] {4, 84, 84}, new int[] {256, 448}, 4, new SplittableRandom(4));
    spread(net.actor());
    float[] logits;
    try (NDManager m = Torch.newManager()) {
      logits = net.infer(net.tensors(m, false), PixelRollouts.frames(m, observations(), 0, N, new int[] {4, 84, 84})).logits();
    }
    PolicyModel model = net.model(provenance("ppo-rnd"));
    assertExportMatches(model, logits, 4);
    assertEquals(List.of("3136->256", "256->448", "448->448", "448->4"), Part.HEAD.select(model).stream()
        .map(h -> ((Layer.Linear) h.layer()).in() + "->" + ((Layer.Linear) h.layer()).out()).toList(),
        "the study's head: fc1, fc2, the extra policy layer, the logits");
    assertEquals(3, Part.FEATURES.select(model).size());
  }
}

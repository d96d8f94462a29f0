package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.env.Space;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.OrtPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trained continuous actors export with their output stage (tanh and rescaling to the action box, or
 * the Gaussian mean's clip) and observation normalization inside the graph: ONNX Runtime outputs the
 * action the environment receives, equal to the Java forward pass on 1,000 visited states.
 */
class ContinuousExportTest {
  @TempDir Path dir;

  /** 1,000 states a random policy visits (Pendulum's rollouts cover the whole angle range). */
  static List<float[]> states(String envId) {
    List<float[]> out = new ArrayList<>();
    Env env = Envs.make(envId);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    Rollouts.run(env, new dev.rlcompress.env.Agent() {
      @Override
      public int discreteAction(float[] obs) {
        throw new UnsupportedOperationException();
      }

      @Override
      public float[] continuousAction(float[] obs) {
        Space.Box b = (Space.Box) env.actionSpace();
        float[] a = new float[b.flatSize()];
        for (int i = 0; i < a.length; i++) a[i] = (float) (b.low()[i] + rng.nextDouble() * (b.high()[i] - b.low()[i]));
        return a;
      }
    }, 5, 11, o -> {
      if (out.size() < 1000) out.add(o);
    });
    return out;
  }

  void assertOrtMatchesJava(PolicyModel model, String envId) throws Exception {
    Path file = dir.resolve(model.provenance().algorithm() + ".onnx");
    OnnxExporter.write(model.actionOnly(), file);
    Space.Box box = (Space.Box) Envs.make(envId).actionSpace();
    List<float[]> states = states(envId);
    assertEquals(1000, states.size());
    PolicyModel reimported = OnnxImporter.read(file);
    try (OrtPolicy ort = OrtPolicy.load(file)) {
      assertEquals(model.actionHead().kind(), ort.actionHead());
      float[][] out = ort.run(states.toArray(new float[0][]));
      for (int i = 0; i < states.size(); i++) {
        float[] java = model.forward(states.get(i));
        assertArrayEquals(java, out[i], 1e-5f, "state " + i);
        assertArrayEquals(java, reimported.forward(states.get(i)), 0f, "re-imported model, state " + i);
        for (int k = 0; k < java.length; k++)
          assertTrue(out[i][k] >= box.low()[k] && out[i][k] <= box.high()[k], "the graph outputs an action inside the box");
        assertArrayEquals(out[i], Actions.continuous(ort.actionHead(), out[i], box), 0f, "the output is the env's action as is");
      }
    }
  }

  @Test
  void sacActorExportsSquashedAndRescaled() throws Exception {
    TrainResult r = Sac.train(new TrainConfig("Pendulum-v1", 2, 800, Map.of("net_arch", "32,32", "learning_starts", "200",
        "batch_size", "64", "eval_freq", "0"), null, false, null));
    assertInstanceOf(HeadKind.TanhAction.class, r.model().actionHead().kind());
    assertOrtMatchesJava(r.model(), "Pendulum-v1");
  }

  @Test
  void td3ActorExportsSquashedAndRescaled() throws Exception {
    TrainResult r = Td3.train(new TrainConfig("Pendulum-v1", 2, 800, Map.of("net_arch", "32,32", "learning_starts", "200",
        "batch_size", "64", "eval_freq", "0"), null, false, null));
    assertOrtMatchesJava(r.model(), "Pendulum-v1");
  }

  @Test
  void normalizedPpoExportsNormalizationAndClippedMean() throws Exception {
    TrainResult r = Algorithms.train("ppo", new TrainConfig("Pendulum-v1", 2, 2048, Map.of("normalize", "true",
        "n_envs", "2", "n_steps", "512", "n_epochs", "2", "eval_freq", "0"), null, false, null));
    assertNotNull(r.model().normalization(), "observation statistics are part of the model");
    assertInstanceOf(HeadKind.Gaussian.class, r.model().actionHead().kind());
    assertOrtMatchesJava(r.model(), "Pendulum-v1");
  }
}

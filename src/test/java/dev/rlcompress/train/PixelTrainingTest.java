package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.OrtPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of the CNN trainers on real Atari games through the Gymnasium bridge (a few thousand
 * frames, small rollouts): the loop runs, learns (the weights leave their initialisation), writes
 * checkpoints, resumes from them without redoing what was done, and exports a policy ONNX Runtime
 * runs on raw frames. Needs the project's Python environment (scripts/pyenv.sh); fails without it.
 */
class PixelTrainingTest {
  @TempDir Path dir;

  static float maxWeightChange(PolicyModel a, PolicyModel b) {
    var la = Part.ALL.select(a);
    var lb = Part.ALL.select(b);
    assertEquals(la.size(), lb.size());
    float worst = 0;
    for (int i = 0; i < la.size(); i++) {
      float[] x = Layer.weights(la.get(i).layer()), y = Layer.weights(lb.get(i).layer());
      for (int k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - y[k]));
    }
    return worst;
  }

  void assertRunsOnRawFrames(PolicyModel model, String name) throws Exception {
    Path file = dir.resolve(name + ".onnx");
    OnnxExporter.write(model.actionOnly(), file);
    float[] frame = new float[4 * 84 * 84];
    for (int i = 0; i < frame.length; i++) frame[i] = (i * 37) % 256;
    try (OrtPolicy p = OrtPolicy.load(file)) {
      float[] logits = p.run(frame);
      assertEquals(model.outputSize(), logits.length);
      assertArrayEquals(model.forward(frame), logits, 1e-4f);
    }
  }

  @Test
  void ppoCnnTrainsCheckpointsAndResumesOnBreakout() throws Exception {
    Map<String, String> hp = Map.of("n_envs", "4", "n_steps", "32", "batch_size", "64", "n_epochs", "1", "checkpoint_freq", "128");
    Path out = dir.resolve("ppo");
    TrainResult first = Algorithms.train("ppo", new TrainConfig("ALE/Breakout-v5", 5, 256, hp, out, false, null));
    assertEquals(256, first.steps());
    assertTrue(Files.exists(out.resolve("checkpoint-ppo.bin")));
    PolicyModel m = first.model();
    assertEquals(3, Part.FEATURES.select(m).size(), "the Nature CNN's three convolutions are the features");
    assertEquals(2, Part.HEAD.select(m).size(), "its fully connected layers (512, logits) are the head");
    assertEquals(4, m.outputSize(), "Breakout's four actions");
    assertTrue(maxWeightChange(m, Algorithms.initialPolicy(m.provenance())) > 1e-4,
        "two rollouts of updates moved the weights away from their seeded initialisation");

    TrainResult resumed = Algorithms.train("ppo", new TrainConfig("ALE/Breakout-v5", 5, 512, hp, out, true, null));
    assertEquals(256, resumed.resumedFrom(), "resumed at the last checkpoint");
    assertEquals(512, resumed.steps(), "2,048 frames in all, across the resume");
    assertTrue(maxWeightChange(resumed.model(), m) > 1e-5, "the resumed run went on learning");
    assertEquals(java.util.List.of(128L, 256L, 384L, 512L), resumed.log().updates().stream().map(TrainingLog.Update::step).toList(),
        "one update record per rollout, the first run's restored from the checkpoint");
    for (TrainingLog.Update u : resumed.log().updates())
      assertTrue(u.approxKl() > 0 && u.entropy() > 0 && u.entropy() <= Math.log(4) + 1e-6 && u.gradNorm() > 0, u.toString());
    assertRunsOnRawFrames(resumed.model(), "ppo");
  }

  @Test
  void ppoRndTrainsCheckpointsAndResumesOnMontezumasRevenge() throws Exception {
    Map<String, String> hp = Map.of("n_envs", "2", "n_steps", "32", "batch_size", "32", "n_epochs", "1",
        "checkpoint_freq", "64", "obs_norm_init_steps", "16");
    Path out = dir.resolve("rnd");
    // 16 random steps per copy for the observation statistics, then two rollouts of 64 steps
    TrainResult first = PpoRnd.train(new TrainConfig("ALE/MontezumaRevenge-v5", 6, 160, hp, out, false, null));
    assertEquals(160, first.steps());
    PolicyModel m = first.model();
    assertEquals(4, Part.HEAD.select(m).size(), "fc1, fc2, the extra policy layer and the logits are the head");
    assertEquals(18, m.outputSize(), "Montezuma's Revenge's 18 actions");
    assertTrue(maxWeightChange(m, Algorithms.initialPolicy(m.provenance())) > 1e-5, "the agent's weights moved");
    assertEquals(java.util.List.of(1), first.log().rooms(), "the game starts in room 1 (RAM byte 3) and 160 steps do not leave it");
    assertTrue(first.log().cells() >= 1, "positions from RAM bytes 42 and 43");

    TrainResult resumed = PpoRnd.train(new TrainConfig("ALE/MontezumaRevenge-v5", 6, 224, hp, out, true, null));
    assertEquals(160, resumed.resumedFrom());
    assertEquals(224, resumed.steps(), "one more rollout; the observation statistics came from the checkpoint, not new random steps");
    assertTrue(resumed.log().cells() >= first.log().cells(), "the visited positions were restored from the checkpoint");
    assertEquals(java.util.List.of(96L, 160L, 224L), resumed.log().updates().stream().map(TrainingLog.Update::step).toList(),
        "one update record per rollout (32 random steps, then rollouts of 64)");
    for (TrainingLog.Update u : resumed.log().updates()) assertTrue(u.approxKl() >= 0 && u.entropy() > 0, u.toString());
    assertRunsOnRawFrames(resumed.model(), "rnd");
  }
}

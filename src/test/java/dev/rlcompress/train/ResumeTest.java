package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped run resumes from its last checkpoint instead of starting over. */
class ResumeTest {
  @TempDir Path dir;

  @Test
  void dqnResumesFromCheckpoint() {
    Map<String, String> hp = Map.of("checkpoint_freq", "1000", "learning_starts", "200", "train_freq", "16", "gradient_steps", "4");
    Dqn.train(new TrainConfig("CartPole-v1", 3, 2500, hp, dir, false, null));
    assertTrue(Files.exists(dir.resolve("checkpoint-dqn.bin")));
    // The "crash" happened after 2500 steps; the checkpoint holds step 2000. Resume to 3000.
    TrainResult r = Dqn.train(new TrainConfig("CartPole-v1", 3, 3000, hp, dir, true, null));
    assertEquals(1000, r.steps(), "resumed at the checkpointed step 2000, not from zero");
  }

  @Test
  void ppoResumesFromCheckpoint() {
    Map<String, String> hp = Map.of("checkpoint_freq", "1024", "n_envs", "4", "n_steps", "64", "n_epochs", "2");
    Ppo.train(new TrainConfig("CartPole-v1", 3, 2048, hp, dir, false, null));
    TrainResult r = Ppo.train(new TrainConfig("CartPole-v1", 3, 3072, hp, dir, true, null));
    assertEquals(1024, r.steps());
  }
}

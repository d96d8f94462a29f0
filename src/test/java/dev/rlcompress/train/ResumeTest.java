package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped run resumes from its last checkpoint exactly: the same model as an uninterrupted run,
 * totals across resumes, and refusals for checkpoints of another run or damaged ones.
 */
class ResumeTest {
  @TempDir Path dir;

  static final Map<String, String> DQN_HP = Map.of("checkpoint_freq", "1000", "learning_starts", "200", "train_freq", "16",
      "gradient_steps", "4", "eval_freq", "1500", "eval_episodes", "2");
  static final Map<String, String> PPO_HP = Map.of("checkpoint_freq", "1024", "n_envs", "4", "n_steps", "64", "n_epochs", "2",
      "eval_freq", "1500", "eval_episodes", "2");

  /** Thrown from the progress callback: a crash at a chosen step, after the checkpoint before it was written. */
  static final class Crash extends RuntimeException {}

  static Progress crashAt(long atStep) {
    return (step, total, ret, note) -> {
      if (step >= atStep) throw new Crash();
    };
  }

  static float[] weights(TrainResult r) {
    var layers = r.model().heads().get(0).layers();
    int n = 0;
    for (var l : layers) if (l instanceof dev.rlcompress.model.Layer.Linear lin) n += lin.weight().length + lin.bias().length;
    float[] all = new float[n];
    int k = 0;
    for (var l : layers)
      if (l instanceof dev.rlcompress.model.Layer.Linear lin) {
        System.arraycopy(lin.weight(), 0, all, k, lin.weight().length);
        k += lin.weight().length;
        System.arraycopy(lin.bias(), 0, all, k, lin.bias().length);
        k += lin.bias().length;
      }
    return all;
  }

  @Test
  void dqnKilledAndResumedEqualsUninterrupted() {
    TrainResult straight = Dqn.train(new TrainConfig("CartPole-v1", 3, 3000, DQN_HP, dir.resolve("a"), false, null));
    Path b = dir.resolve("b");
    assertThrows(Crash.class, () -> Dqn.train(new TrainConfig("CartPole-v1", 3, 3000, DQN_HP, b, false, crashAt(2500))));
    assertTrue(Files.exists(b.resolve("checkpoint-dqn.bin")));
    TrainResult resumed = Dqn.train(new TrainConfig("CartPole-v1", 3, 3000, DQN_HP, b, true, null));
    assertEquals(2000, resumed.resumedFrom(), "resumed at the checkpointed step 2000, not from zero");
    assertEquals(3000, resumed.steps(), "steps count the whole run across resumes");
    assertEquals(straight.bestEvalStep(), resumed.bestEvalStep());
    assertArrayEquals(weights(straight), weights(resumed), "kill + resume gives the uninterrupted run's model");
  }

  @Test
  void ppoKilledAndResumedEqualsUninterrupted() {
    TrainResult straight = Ppo.train(new TrainConfig("CartPole-v1", 3, 3072, PPO_HP, dir.resolve("a"), false, null));
    Path b = dir.resolve("b");
    assertThrows(Crash.class, () -> Ppo.train(new TrainConfig("CartPole-v1", 3, 3072, PPO_HP, b, false, crashAt(2304))));
    TrainResult resumed = Ppo.train(new TrainConfig("CartPole-v1", 3, 3072, PPO_HP, b, true, null));
    assertEquals(2048, resumed.resumedFrom());
    assertEquals(3072, resumed.steps());
    assertArrayEquals(weights(straight), weights(resumed), "kill + resume gives the uninterrupted run's model");
  }

  @Test
  void resumingAFinishedRunKeepsItsTotals() {
    Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, DQN_HP, dir, false, null));
    TrainResult again = Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, DQN_HP, dir, true, null));
    assertEquals(2000, again.steps());
    assertEquals(2000, again.resumedFrom());
  }

  @Test
  void checkpointOfAnotherRunIsRefusedNamingTheDifference() {
    Dqn.train(new TrainConfig("CartPole-v1", 3, 1000, DQN_HP, dir, false, null));
    UserError seed = assertThrows(UserError.class,
        () -> Dqn.train(new TrainConfig("CartPole-v1", 4, 2000, DQN_HP, dir, true, null)));
    assertTrue(seed.getMessage().contains("seed 3 there, 4 here"), seed.getMessage());
    Map<String, String> wider = new HashMap<>(DQN_HP);
    wider.put("net_arch", "32,32");
    UserError arch = assertThrows(UserError.class,
        () -> Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, wider, dir, true, null)));
    assertTrue(arch.getMessage().contains("net_arch"), arch.getMessage());
    UserError env = assertThrows(UserError.class,
        () -> Dqn.train(new TrainConfig("Acrobot-v1", 3, 2000, DQN_HP, dir, true, null)));
    assertTrue(env.getMessage().contains("environment CartPole-v1 there, Acrobot-v1 here"), env.getMessage());
  }

  @Test
  void truncatedCheckpointFallsBackToThePreviousOne() throws Exception {
    Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, DQN_HP, dir, false, null)); // checkpoints at 1000 and 2000
    Path ckpt = dir.resolve("checkpoint-dqn.bin");
    assertTrue(Files.exists(Checkpoint.previous(ckpt)));
    byte[] bytes = Files.readAllBytes(ckpt);
    Files.write(ckpt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    TrainResult r = Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, DQN_HP, dir, true, null));
    assertEquals(1000, r.resumedFrom(), "the damaged step-2000 checkpoint was named and the step-1000 one used");

    Files.write(ckpt, java.util.Arrays.copyOf(bytes, 100));
    Files.delete(Checkpoint.previous(ckpt));
    UserError e = assertThrows(UserError.class, () -> Dqn.train(new TrainConfig("CartPole-v1", 3, 2000, DQN_HP, dir, true, null)));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void secondRunIntoALockedDirectoryFailsNamingTheHolder() {
    try (RunDirectory held = RunDirectory.open(dir, "dqn on CartPole-v1")) {
      UserError e = assertThrows(UserError.class, () -> Dqn.train(new TrainConfig("CartPole-v1", 3, 500, DQN_HP, dir, false, null)));
      assertTrue(e.getMessage().contains("in use by another training run (dqn on CartPole-v1, pid"), e.getMessage());
    }
    assertEquals(500, Dqn.train(new TrainConfig("CartPole-v1", 3, 500, DQN_HP, dir, false, null)).steps(), "free again once released");
  }

  @Test
  void orphanTemporaryFilesOfAKilledWriteAreRemoved() throws Exception {
    Files.createDirectories(dir);
    Path orphan = Files.writeString(dir.resolve(".model.onnx123456.tmp"), "half a model");
    Path orphanCkpt = Files.writeString(dir.resolve(".checkpoint-dqn.bin999.tmp"), "half a checkpoint");
    Dqn.train(new TrainConfig("CartPole-v1", 3, 300, DQN_HP, dir, false, null));
    assertFalse(Files.exists(orphan));
    assertFalse(Files.exists(orphanCkpt));
  }

  @Test
  void divergenceStopsWithOneLineAndKeepsTheCheckpoint() {
    Map<String, String> hp = new HashMap<>(DQN_HP);
    hp.put("learning_rate", "1e30");
    hp.put("max_grad_norm", "1e30");
    hp.put("learning_starts", "1100");
    UserError e = assertThrows(UserError.class, () -> Dqn.train(new TrainConfig("CartPole-v1", 3, 5000, hp, dir, false, null)));
    assertTrue(e.getMessage().startsWith("training diverged at step"), e.getMessage());
    assertTrue(e.getMessage().contains("last good checkpoint (step 1000)"), e.getMessage());
  }
}

package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A continuous-control run stopped after a checkpoint and resumed produces the uninterrupted run's
 * model: the off-policy loop (replay buffer, twin critics and targets, entropy coefficient) and the
 * Gaussian rollouts with normalization (running statistics, discounted returns) restore exactly.
 */
class ContinuousResumeTest {
  @TempDir Path dir;

  static final Map<String, String> SAC_HP = Map.of("net_arch", "32,32", "learning_starts", "300", "batch_size", "64",
      "buffer_size", "2000", "checkpoint_freq", "1000", "eval_freq", "700", "eval_episodes", "2");
  static final Map<String, String> PPO_HP = Map.of("normalize", "true", "n_envs", "2", "n_steps", "128", "n_epochs", "2",
      "checkpoint_freq", "512", "eval_freq", "600", "eval_episodes", "2");
  static final Map<String, String> TRPO_HP = Map.of("normalize", "true", "n_envs", "2", "n_steps", "128",
      "n_critic_updates", "2", "checkpoint_freq", "512", "eval_freq", "600", "eval_episodes", "2");

  void killedAndResumedEqualsUninterrupted(java.util.function.Function<TrainConfig, TrainResult> algo, Map<String, String> hp,
      long steps, long crashAt, long resumedAt) {
    TrainResult straight = algo.apply(new TrainConfig("Pendulum-v1", 3, steps, hp, dir.resolve("a"), false, null));
    Path b = dir.resolve("b");
    assertThrows(ResumeTest.Crash.class,
        () -> algo.apply(new TrainConfig("Pendulum-v1", 3, steps, hp, b, false, ResumeTest.crashAt(crashAt))));
    TrainResult resumed = algo.apply(new TrainConfig("Pendulum-v1", 3, steps, hp, b, true, null));
    assertEquals(resumedAt, resumed.resumedFrom());
    assertEquals(steps, resumed.steps());
    assertEquals(straight.bestEvalStep(), resumed.bestEvalStep());
    assertArrayEquals(ResumeTest.weights(straight), ResumeTest.weights(resumed), "kill + resume gives the uninterrupted run's model");
    assertEquals(straight.model().actionHead().kind(), resumed.model().actionHead().kind());
    assertEquals(straight.model().normalization(), resumed.model().normalization());
  }

  @Test
  void sacKilledAndResumedEqualsUninterrupted() {
    killedAndResumedEqualsUninterrupted(Sac::train, SAC_HP, 2000, 1400, 1000);
  }

  @Test
  void ppoGaussianKilledAndResumedEqualsUninterrupted() {
    killedAndResumedEqualsUninterrupted(cfg -> Algorithms.train("ppo", cfg), PPO_HP, 1280, 768, 512);
  }

  @Test
  void trpoKilledAndResumedEqualsUninterrupted() {
    killedAndResumedEqualsUninterrupted(Trpo::train, TRPO_HP, 1280, 768, 512);
  }
}

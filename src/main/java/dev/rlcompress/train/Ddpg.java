package dev.rlcompress.train;

import java.util.List;

/**
 * Deep Deterministic Policy Gradient (Lillicrap et al. 2016) as Stable-Baselines3 implements it: TD3's
 * learner ({@link Td3}) with one critic, no target policy smoothing and an actor update at every step.
 * Defaults per environment follow RL Zoo's ddpg.yml, which matches td3.yml on these tasks.
 */
public final class Ddpg {
  private Ddpg() {}

  static final String NAME = "ddpg";

  public static List<Hp> schema() {
    return Td3.deterministicSchema();
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg,
        run -> Td3.train(run, new Td3.Variant(1, 1, 0, 0)));
  }
}

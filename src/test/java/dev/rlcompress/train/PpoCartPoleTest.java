package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.PolicyModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PpoCartPoleTest {
  @Test
  void ppoSolvesCartPole() {
    TrainResult r = Ppo.train(new TrainConfig("CartPole-v1", 1, 0, Map.of(), null, false,
        (s, t, ret, note) -> { if (s % 8192 == 0) System.out.printf("step %d return %.1f %s%n", s, ret, note); }));
    PolicyModel m = r.model();
    var env = Envs.make("CartPole-v1");
    double mean = Rollouts.meanReturn(Rollouts.run(env,
        Actions.greedy(m.actionHead().kind(), env.actionSpace(), m::forward), 100, 1_000_000, null));
    System.out.printf("PPO CartPole: %.1f over 100 episodes, %.0f steps/s, %.1fs%n", mean, r.stepsPerSecond(), r.seconds());
    assertTrue(mean >= 475, "mean return " + mean);
  }
}

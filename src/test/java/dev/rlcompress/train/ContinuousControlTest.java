package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.PolicyModel;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The continuous-control learners train for real on Pendulum-v1 and their selected policy, evaluated
 * deterministically (the mean action) on 20 episodes with the final evaluation's seeds, reaches the
 * acceptance return. Budgets are cut to fit CI: the off-policy learners use 64-64 networks, 1,000
 * random steps and 7,000 steps in all (RL Zoo: 400-300 or 256-256, 10,000 random steps, 20,000 steps);
 * PPO and TRPO run RL Zoo's Pendulum values unchanged (without the gSDE exploration Zoo adds there).
 */
class ContinuousControlTest {
  static final String ENV = "Pendulum-v1";
  // Selection over 10 evaluation episodes, not 5: on an AVX2 machine (8 float lanes, another training
  // trajectory than with AVX-512's 16) SAC's 5-episode best scored -142 there and -341 over this test's
  // 20 episodes (some starts never swung up); chosen over 10 episodes it scored -151 over the 20.
  static final Map<String, String> OFF_POLICY_TEST_HP = Map.of("net_arch", "64,64", "learning_starts", "1000",
      "eval_freq", "1000", "eval_episodes", "10");

  static double evaluate(String algo, TrainResult r) {
    PolicyModel m = r.model();
    var env = Envs.make(ENV);
    double mean = Rollouts.meanReturn(Rollouts.run(env,
        Actions.greedy(m.actionHead().kind(), env.actionSpace(), m::forward), 20, 1_000_000, null));
    System.out.printf("%s %s: %.1f over 20 episodes after %,d steps, %.0f steps/s, %.1f s%n",
        algo, ENV, mean, r.steps(), r.stepsPerSecond(), r.seconds());
    return mean;
  }

  static TrainResult train(Function<TrainConfig, TrainResult> algo, long steps, Map<String, String> hp) {
    return algo.apply(new TrainConfig(ENV, 1, steps, hp, null, false, null));
  }

  @Test
  void sacSwingsUpPendulum() {
    double mean = evaluate("SAC", train(Sac::train, 7000, OFF_POLICY_TEST_HP));
    assertTrue(mean >= -250, "mean return " + mean);
  }

  @Test
  void td3SwingsUpPendulum() {
    double mean = evaluate("TD3", train(Td3::train, 7000, OFF_POLICY_TEST_HP));
    assertTrue(mean >= -250, "mean return " + mean);
  }

  @Test
  void ddpgSwingsUpPendulum() {
    double mean = evaluate("DDPG", train(Ddpg::train, 7000, OFF_POLICY_TEST_HP));
    assertTrue(mean >= -300, "mean return " + mean);
  }

  /** Issue 9: once MuJoCo is there, SAC balances InvertedPendulum-v4 (≥ 950 over 20 episodes). */
  @Test
  void sacBalancesInvertedPendulum() {
    // SB3's SAC defaults (256-256, 100 random steps), 15,000 steps, the best of evaluations every 2,500.
    TrainResult r = Sac.train(new TrainConfig("InvertedPendulum-v4", 1, 15_000,
        Map.of("eval_freq", "2500", "eval_episodes", "5"), null, false, null));
    var env = Envs.make("InvertedPendulum-v4");
    PolicyModel m = r.model();
    double mean = Rollouts.meanReturn(Rollouts.run(env,
        Actions.greedy(m.actionHead().kind(), env.actionSpace(), m::forward), 20, 1_000_000, null));
    env.close();
    System.out.printf("SAC InvertedPendulum-v4: %.1f over 20 episodes after %,d steps, %.1f s%n", mean, r.steps(), r.seconds());
    assertTrue(mean >= 950, "mean return " + mean);
  }

  @Test
  void ppoSwingsUpPendulum() {
    double mean = evaluate("PPO", train(cfg -> Algorithms.train("ppo", cfg), 0, Map.of("eval_episodes", "5")));
    assertTrue(mean >= -400, "mean return " + mean);
  }

  @Test
  void trpoSwingsUpPendulum() {
    double mean = evaluate("TRPO", train(Trpo::train, 0, Map.of("eval_episodes", "5")));
    assertTrue(mean >= -400, "mean return " + mean);
  }
}

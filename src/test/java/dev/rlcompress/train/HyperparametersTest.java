package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.util.UserError;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every hyperparameter has a domain, checked before any work (issue 7 item 4). */
class HyperparametersTest {
  @ParameterizedTest(name = "{0} {1}={2} refused")
  @CsvSource({
    "dqn, batch_size, 0", "dqn, batch_size, -1", "dqn, buffer_size, 0", "dqn, checkpoint_freq, 0",
    "dqn, learning_rate, -1", "dqn, learning_rate, 0", "dqn, gamma, NaN", "dqn, gamma, 1.5", "dqn, gamma, Infinity",
    "dqn, gradient_steps, 0", "dqn, gradient_steps, -2", "dqn, net_arch, 0", "dqn, net_arch, 64;64", "dqn, double_dqn, yes",
    "dqn, exploration_final_eps, 2", "dqn, train_freq, 0", "dqn, batch_size, 99999999999",
    "ppo, n_envs, 0", "ppo, n_steps, 0", "ppo, clip_range, 0", "ppo, activation, sigmoid", "ppo, gae_lambda, -0.1",
    "ppo, ent_coef, -1", "ppo, max_grad_norm, 0", "ppo, n_epochs, -1", "ppo, learning_rate, abc"
  })
  void outOfDomainValuesAreRefusedInOneLine(String algo, String key, String value) {
    UserError e = assertThrows(UserError.class,
        () -> Algorithms.hyperparameters(algo, "CartPole-v1", Map.of(key, value)));
    assertTrue(e.getMessage().startsWith(algo + " hyperparameter " + key + " must be"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} on {1}: defaults are inside their domains")
  @CsvSource({"dqn, CartPole-v1", "dqn, LunarLander-v3", "dqn, Acrobot-v1", "dqn, MountainCar-v0",
      "ppo, CartPole-v1", "ppo, LunarLander-v3", "ppo, Acrobot-v1", "ppo, MountainCar-v0"})
  void tunedDefaultsValidate(String algo, String env) {
    Hyperparameters hp = Algorithms.hyperparameters(algo, env, Map.of());
    assertEquals(hp.keys().size(), hp.describe().size());
  }

  @org.junit.jupiter.api.Test
  void atariDefaultsAreRlZoosAndTheRndPapersAndRndNeedsImages() {
    Map<String, String> ppo = Algorithms.hyperparameters("ppo", "ALE/Breakout-v5", Map.of()).asMap();
    assertEquals(Map.of("n_envs", "8", "n_steps", "128", "n_epochs", "4", "batch_size", "256", "learning_rate", "2.5e-4",
        "clip_range", "0.1", "ent_coef", "0.01", "vf_coef", "0.5", "linear_schedule", "true"),
        subset(ppo, "n_envs", "n_steps", "n_epochs", "batch_size", "learning_rate", "clip_range", "ent_coef", "vf_coef", "linear_schedule"));
    Map<String, String> rnd = Algorithms.hyperparameters("ppo-rnd", "ALE/MontezumaRevenge-v5", Map.of()).asMap();
    assertEquals(Map.of("gamma", "0.999", "int_gamma", "0.99", "ext_coef", "2.0", "int_coef", "1.0", "update_proportion", "0.25",
        "net_arch", "256,448"), subset(rnd, "gamma", "int_gamma", "ext_coef", "int_coef", "update_proportion", "net_arch"));
    UserError e = assertThrows(UserError.class, () -> Algorithms.hyperparameters("ppo-rnd", "CartPole-v1", Map.of()));
    assertTrue(e.getMessage().contains("image observations"), e.getMessage());
    UserError rgb = assertThrows(UserError.class, () -> Algorithms.hyperparameters("ppo", "gym:ALE/Pong-v5", Map.of()));
    assertTrue(rgb.getMessage().contains("channel-first"), "raw RGB frames are channels last: " + rgb.getMessage());
    UserError u = assertThrows(UserError.class,
        () -> Algorithms.hyperparameters("ppo-rnd", "ALE/MontezumaRevenge-v5", Map.of("update_proportion", "0")));
    assertTrue(u.getMessage().startsWith("ppo-rnd hyperparameter update_proportion must be"), u.getMessage());
  }

  static Map<String, String> subset(Map<String, String> m, String... keys) {
    Map<String, String> r = new java.util.HashMap<>();
    for (String k : keys) r.put(k, m.get(k));
    return r;
  }

  @org.junit.jupiter.api.Test
  void relationsBetweenKeysAreCheckedBeforeTraining() {
    UserError e = assertThrows(UserError.class, () -> Dqn.train(new TrainConfig("CartPole-v1", 0, 100,
        Map.of("batch_size", "64", "buffer_size", "10"), null, false, null)));
    assertTrue(e.getMessage().contains("batch_size must not exceed buffer_size"), e.getMessage());
    UserError p = assertThrows(UserError.class, () -> Ppo.train(new TrainConfig("CartPole-v1", 0, 100,
        Map.of("batch_size", "512", "n_envs", "2", "n_steps", "8"), null, false, null)));
    assertTrue(p.getMessage().contains("batch_size must not exceed"), p.getMessage());
  }
}

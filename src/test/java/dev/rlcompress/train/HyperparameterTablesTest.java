package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The YAML tables resolve to the published values: library defaults, inheritance between tables, entries
 * naming several environments, and values kept exactly as written (they enter provenance and the resume
 * identity check).
 */
class HyperparameterTablesTest {
  @Test
  void tablesResolveToRlZooValuesWithInheritanceAndSharedEntries() {
    Map<String, String> dqn = Algorithms.defaults("dqn", "LunarLander-v3");
    assertEquals("6.3e-4", dqn.get("learning_rate"), "kept as written, not 6.3E-4 or 0.00063");
    assertEquals("256,256", dqn.get("net_arch"));
    assertEquals("1.0", dqn.get("exploration_initial_eps"), "SB3 default under the Zoo entry");

    Map<String, String> td3 = Algorithms.defaults("td3", "Hopper-v4");
    assertEquals("10000", td3.get("learning_starts"), "off-policy MuJoCo entry");
    assertEquals("400,300", td3.get("net_arch"), "deterministic-actor table");
    assertEquals("2", td3.get("policy_delay"), "TD3's own additions");
    Map<String, String> ddpg = Algorithms.defaults("ddpg", "Hopper-v4");
    assertFalse(ddpg.containsKey("policy_delay"), "DDPG shares the deterministic table, not TD3's additions");
    assertEquals(td3.get("noise_std"), ddpg.get("noise_std"));

    Map<String, String> ppoHopper = Algorithms.defaults("ppo", "Hopper-v4");
    assertEquals("true", ppoHopper.get("normalize"), "the shared MuJoCo entry");
    assertEquals("0.835671", ppoHopper.get("vf_coef"), "then Hopper's own entry");
    assertEquals("1", ppoHopper.get("n_envs"), "Gaussian PPO's default over PPO's 8");
    assertEquals("16", Algorithms.defaults("ppo", "LunarLanderContinuous-v3").get("n_envs"));
    assertEquals("8", Algorithms.defaults("ppo", "CartPole-v1").get("n_envs"), "discrete PPO uses ppo.yaml");

    assertEquals("25", Algorithms.defaults("trpo", "HalfCheetah-v4").get("cg_max_steps"));
    assertEquals("20", Algorithms.defaults("trpo", "LunarLanderContinuous-v3").get("eval_episodes"));
    assertEquals("10", Algorithms.defaults("trpo", "HalfCheetah-v4").get("eval_episodes"));
    assertEquals("400,300", Algorithms.defaults("sac", "LunarLanderContinuous-v3").get("net_arch"));
    assertEquals("256,256", Algorithms.defaults("sac", "HalfCheetah-v4").get("net_arch"));
    assertEquals(Algorithms.defaults("sac", "Hopper-v4"), Algorithms.defaults("sac", "Hopper-v4[terminate_when_unhealthy=true]"),
        "tuned per task, whatever its options");
  }
}

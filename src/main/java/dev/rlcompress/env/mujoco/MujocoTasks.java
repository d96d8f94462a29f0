package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.EnvOptions;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The Gymnasium MuJoCo task ids, v4 and v5, for {@link dev.rlcompress.env.Envs}. Registering loads no
 * native code: MuJoCo and the Python environment it comes from are set up on the first construction.
 */
public final class MujocoTasks {
  private MujocoTasks() {}

  /** Adds every task id to a registry. */
  public static void register(Map<String, Function<EnvOptions, Env>> registry) {
    task(registry, "Hopper", HopperWalker2d::hopper);
    task(registry, "Walker2d", HopperWalker2d::walker2d);
    task(registry, "HalfCheetah", HalfCheetah::new);
    task(registry, "Ant", Ant::new);
    task(registry, "Humanoid", Humanoid::new);
    task(registry, "HumanoidStandup", HumanoidStandup::new);
    task(registry, "Swimmer", Swimmer::new);
    task(registry, "Reacher", Reacher::new);
    task(registry, "Pusher", Pusher::new);
    task(registry, "InvertedPendulum", InvertedPendulum::new);
    task(registry, "InvertedDoublePendulum", InvertedDoublePendulum::new);
  }

  private static void task(Map<String, Function<EnvOptions, Env>> registry, String name, BiFunction<EnvOptions, String, MujocoEnv> make) {
    for (String v : new String[] {"v4", "v5"}) registry.put(name + "-" + v, o -> make.apply(o, v));
  }

  /**
   * Null when MuJoCo can be used here, else the one-line reason (how to install it). Sets up the
   * Python environment on first use; for listings that should not fail as a whole.
   */
  public static String unavailable() {
    try {
      MjSim.version();
      return null;
    } catch (dev.rlcompress.util.UserError e) {
      return e.getMessage();
    }
  }

  /** Whether an id is one of these tasks (for listings that skip them when MuJoCo is not set up). */
  public static boolean isMujoco(String id) {
    return id.matches("(Hopper|Walker2d|HalfCheetah|Ant|Humanoid|HumanoidStandup|Swimmer|Reacher|Pusher|InvertedPendulum|InvertedDoublePendulum)-v[45]");
  }
}

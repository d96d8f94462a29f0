package dev.rlcompress.env;

import dev.rlcompress.util.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The environment registry: ids as Gymnasium spells them, each with the options its Gymnasium
 * constructor takes ({@link EnvSpec}: {@code LunarLander-v3[enable_wind=true]}).
 */
public final class Envs {
  private static final Map<String, Function<EnvOptions, Env>> REGISTRY = new LinkedHashMap<>();

  static {
    REGISTRY.put("CartPole-v1", o -> new CartPole());
    REGISTRY.put("Acrobot-v1", o -> new Acrobot());
    REGISTRY.put("MountainCar-v0", o -> MountainCar.discrete());
    REGISTRY.put("MountainCarContinuous-v0", o -> MountainCar.continuous());
    REGISTRY.put("Pendulum-v1", o -> new Pendulum());
    REGISTRY.put("LunarLander-v3", o -> new LunarLander("LunarLander-v3", LunarLander.Config.of(o, false)));
    REGISTRY.put("LunarLanderContinuous-v3",
        o -> new LunarLander("LunarLanderContinuous-v3", LunarLander.Config.of(o, true)));
  }

  private Envs() {}

  /** A fresh environment from an id or spec string; unknown ids and options fail with the known ones. */
  public static Env make(String spec) {
    return make(EnvSpec.parse(spec));
  }

  public static Env make(EnvSpec spec) {
    Function<EnvOptions, Env> f = REGISTRY.get(spec.id());
    if (f == null)
      throw new UserError(
          "unknown environment '" + spec.id() + "'; known: " + String.join(", ", REGISTRY.keySet()));
    EnvOptions options = new EnvOptions(spec);
    Env env = f.apply(options);
    try {
      options.requireAllUsed();
    } catch (UserError e) {
      env.close();
      throw e;
    }
    return env;
  }

  /** Validates a spec (id and options) without keeping the environment. */
  public static void check(String spec) {
    make(spec).close();
  }

  public static Set<String> ids() {
    return REGISTRY.keySet();
  }
}

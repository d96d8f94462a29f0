package dev.rlcompress.env;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The environment registry: ids as Gymnasium spells them. */
public final class Envs {
  private static final Map<String, Supplier<Env>> REGISTRY = new LinkedHashMap<>();

  static {
    REGISTRY.put("CartPole-v1", CartPole::new);
    REGISTRY.put("Acrobot-v1", Acrobot::new);
    REGISTRY.put("MountainCar-v0", MountainCar::discrete);
    REGISTRY.put("MountainCarContinuous-v0", MountainCar::continuous);
    REGISTRY.put("Pendulum-v1", Pendulum::new);
    REGISTRY.put("LunarLander-v3", LunarLander::discrete);
    REGISTRY.put("LunarLanderContinuous-v3", LunarLander::continuous);
  }

  private Envs() {}

  /** A fresh environment; unknown ids fail with the list of known ones. */
  public static Env make(String id) {
    Supplier<Env> s = REGISTRY.get(id);
    if (s == null)
      throw new dev.rlcompress.util.UserError(
          "unknown environment '" + id + "'; known: " + String.join(", ", REGISTRY.keySet()));
    return s.get();
  }

  public static Set<String> ids() {
    return REGISTRY.keySet();
  }
}

package dev.rlcompress.env;

import dev.rlcompress.env.gym.GymBridge;
import dev.rlcompress.util.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The environment registry: ids as Gymnasium spells them, each with the options its Gymnasium
 * constructor takes ({@link EnvSpec}: {@code LunarLander-v3[enable_wind=true]}).
 *
 * <p>Gymnasium-hosted ids run in Python worker processes ({@link GymBridge}): {@code gym:<id>} is any
 * installed Gymnasium env as {@code gymnasium.make(id, **options)} makes it, and {@code ALE/<Game>-v5}
 * is the Atari game with the standard preprocessing (84×84 grayscale, frame skip 4, 4 stacked frames;
 * {@code ALE/Pong-v5}, {@code ALE/Breakout-v5}, {@code ALE/MontezumaRevenge-v5} listed, any installed
 * game accepted).
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
    dev.rlcompress.env.mujoco.MujocoTasks.register(REGISTRY); // Hopper-v4 ... (MuJoCo loads on first use)
    for (String id : GymBridge.listedIds()) REGISTRY.put(id, o -> GymBridge.batch(o, 1).env(0));
  }

  private Envs() {}

  /** A fresh environment from an id or spec string; unknown ids and options fail with the known ones. */
  public static Env make(String spec) {
    return make(EnvSpec.parse(spec));
  }

  public static Env make(EnvSpec spec) {
    Function<EnvOptions, Env> f = GymBridge.serves(spec.id()) ? o -> GymBridge.batch(o, 1).env(0) : REGISTRY.get(spec.id());
    if (f == null)
      throw new UserError("unknown environment '" + spec.id() + "'; known: " + String.join(", ", REGISTRY.keySet())
          + ", " + GymBridge.PREFIX + "<any Gymnasium id>");
    return build(spec, f, Env::close);
  }

  /**
   * {@code n} copies for {@link VectorEnv}: Gymnasium-hosted ids step all copies of a worker in one
   * message; the others are stepped one after the other.
   */
  public static EnvBatch batch(String spec, int n) {
    EnvSpec s = EnvSpec.parse(spec);
    if (GymBridge.serves(s.id())) return build(s, o -> GymBridge.batch(o, n), EnvBatch::close);
    Env[] envs = new Env[n];
    for (int i = 0; i < n; i++) envs[i] = make(s);
    return EnvBatch.of(envs);
  }

  private static <T> T build(EnvSpec spec, Function<EnvOptions, T> f, java.util.function.Consumer<T> close) {
    EnvOptions options = new EnvOptions(spec);
    T made = f.apply(options);
    try {
      options.requireAllUsed();
    } catch (UserError e) {
      close.accept(made);
      throw e;
    }
    return made;
  }

  /** Validates a spec (id and options) without keeping the environment. */
  public static void check(String spec) {
    make(spec).close();
  }

  public static Set<String> ids() {
    return REGISTRY.keySet();
  }
}

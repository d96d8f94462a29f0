package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.Map;

/** The training algorithms by name, so the CLI and studies dispatch in one place. */
public final class Algorithms {
  private Algorithms() {}

  public static List<String> names() {
    return List.of("dqn", "ppo", "ppo-rnd", "trpo", "ddpg", "td3", "sac");
  }

  public static TrainResult train(String algo, TrainConfig cfg) {
    return switch (algo) {
      case "dqn" -> Dqn.train(cfg);
      case "ppo" -> pixels(cfg.envId()) ? PpoCnn.train(cfg) : continuous(cfg.envId()) ? PpoGaussian.train(cfg) : Ppo.train(cfg);
      case "ppo-rnd" -> PpoRnd.train(cfg);
      case "trpo" -> Trpo.train(cfg);
      case "ddpg" -> Ddpg.train(cfg);
      case "td3" -> Td3.train(cfg);
      case "sac" -> Sac.train(cfg);
      default -> throw unknown(algo);
    };
  }

  /**
   * The default hyperparameters of {@code algo} on {@code envId}: the library's defaults and RL Zoo's tuned
   * values for the task, from the algorithm's table in {@code resources/dev/rlcompress/train/hyperparameters/}.
   */
  public static Map<String, String> defaults(String algo, String envId) {
    String table = switch (algo) {
      case "dqn", "trpo", "ddpg", "td3", "sac", "ppo-rnd" -> algo;
      case "ppo" -> pixels(envId) ? "ppo-cnn" : continuous(envId) ? "ppo-gaussian" : "ppo";
      default -> throw unknown(algo);
    };
    return HyperparameterTables.resolve(table, baseId(envId));
  }

  /** The hyperparameters {@code algo} takes on {@code envId} (PPO's depend on the spaces). */
  public static List<Hp> schema(String algo, String envId) {
    return switch (algo) {
      case "dqn" -> Dqn.schema();
      case "ppo" -> pixels(envId) ? PpoCnn.schema() : continuous(envId) ? PpoGaussian.schema() : Ppo.schema();
      case "ppo-rnd" -> PpoRnd.schema();
      case "trpo" -> Trpo.schema();
      case "ddpg" -> Ddpg.schema();
      case "td3" -> Td3.schema();
      case "sac" -> Sac.schema();
      default -> throw unknown(algo);
    };
  }

  /** Whether {@code envId}'s actions are continuous (a Box): PPO then trains its Gaussian-policy form. */
  static boolean continuous(String envId) {
    return spaces(envId).continuous();
  }

  /** Whether {@code envId}'s observations are images [C, H, W]: PPO then trains the Nature CNN ({@link PpoCnn}). */
  static boolean pixels(String envId) {
    return spaces(envId).pixels();
  }

  /** What an environment's spaces decide about the trainer. */
  private record Spaces(boolean continuous, boolean pixels, dev.rlcompress.env.Space observations) {}

  /**
   * Per environment spec, remembered: asking a Gymnasium-hosted environment for its spaces starts a
   * worker process, and one command asks several times (schema, defaults, training).
   */
  private static final Map<String, Spaces> SPACES = new java.util.concurrent.ConcurrentHashMap<>();

  private static Spaces spaces(String envId) {
    Spaces s = SPACES.get(envId);
    if (s != null) return s;
    try (var env = dev.rlcompress.env.Envs.make(envId)) {
      s = new Spaces(env.actionSpace() instanceof dev.rlcompress.env.Space.Box, PixelRollouts.isPixels(env.observationSpace()),
          env.observationSpace());
    }
    SPACES.put(envId, s);
    return s;
  }

  /**
   * The hyperparameters a run of {@code algo} on {@code envId} would use, validated: what
   * {@code --show-hp} prints and what training checks before any work.
   */
  public static Hyperparameters hyperparameters(String algo, String envId, Map<String, String> overrides) {
    Hyperparameters hp = new Hyperparameters(algo, schema(algo, envId), defaults(algo, envId), overrides);
    switch (algo) {
      case "dqn" -> Dqn.checkRelations(hp);
      case "ppo", "trpo" -> {
        if (algo.equals("ppo") && pixels(envId)) PixelRollouts.pixelShape(spaces(envId).observations(), envId);
        Ppo.checkRelations(hp);
      }
      case "ppo-rnd" -> {
        if (!pixels(envId))
          throw new UserError("ppo-rnd trains CNN policies on image observations (Atari ids such as ALE/MontezumaRevenge-v5); "
              + envId + " has none");
        PixelRollouts.pixelShape(spaces(envId).observations(), envId);
        Ppo.checkRelations(hp);
      }
      case "ddpg", "td3", "sac" -> OffPolicy.checkRelations(hp);
      default -> throw unknown(algo);
    }
    return hp;
  }

  /** Tuned defaults are per task, whatever its options: the id without them. */
  private static String baseId(String envId) {
    return dev.rlcompress.env.EnvSpec.parse(envId).id();
  }

  /**
   * The policy network exactly as the training run initialised it, rebuilt from provenance (algorithm,
   * environment, seed, net_arch): both trainers draw the policy's initial weights first from a generator
   * seeded with the run's seed. What the lottery-ticket check rewinds to.
   */
  public static dev.rlcompress.model.PolicyModel initialPolicy(dev.rlcompress.model.Provenance p) {
    dev.rlcompress.env.Space obsSpace, actSpace;
    try (var env = dev.rlcompress.env.Envs.make(p.envId())) {
      obsSpace = env.observationSpace();
      actSpace = env.actionSpace();
    }
    int obs = obsSpace.flatSize();
    if (!(actSpace instanceof dev.rlcompress.env.Space.Discrete d))
      throw new UserError("initial weights can be rebuilt for discrete-action DQN/PPO runs only");
    Map<String, String> hp = p.hyperparameters();
    if (!hp.containsKey("net_arch")) throw new UserError("the model's provenance lacks net_arch; cannot rebuild its initialisation");
    int[] hidden = Hyperparameters.widths(hp.get("net_arch"));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(p.seed());
    if (PixelRollouts.isPixels(obsSpace)) {
      int[] shape = PixelRollouts.pixelShape(obsSpace, p.envId());
      return switch (p.algorithm()) {
        case "ppo" -> PpoCnn.Net.create(shape, hidden, d.n(), rng).model(p).actionOnly();
        case "ppo-rnd" -> PpoRnd.Net.create(shape, hidden, d.n(), rng).model(p);
        default -> throw new UserError("initial weights of " + p.algorithm() + " on images cannot be rebuilt");
      };
    }
    int[] sizes = Ppo.sizes(obs, hidden, d.n());
    return switch (p.algorithm()) {
      case "dqn" -> new dev.rlcompress.model.PolicyModel(new int[] {obs}, null, List.of(),
          List.of(new dev.rlcompress.model.Head("q", new dev.rlcompress.model.HeadKind.QValues(),
              new Mlp(sizes, dev.rlcompress.model.Layer.Activation.Kind.RELU, Double.NaN, rng).toLayers())), p);
      case "ppo" -> new dev.rlcompress.model.PolicyModel(new int[] {obs}, null, List.of(),
          List.of(new dev.rlcompress.model.Head("pi", new dev.rlcompress.model.HeadKind.Categorical(),
              new Mlp(sizes, hp.getOrDefault("activation", "tanh").equals("relu")
                  ? dev.rlcompress.model.Layer.Activation.Kind.RELU : dev.rlcompress.model.Layer.Activation.Kind.TANH,
                  0.01, rng).toLayers())), p);
      default -> throw unknown(p.algorithm());
    };
  }

  private static UserError unknown(String algo) {
    return new UserError("unknown algorithm '" + algo + "'; known: " + String.join(", ", names()));
  }
}

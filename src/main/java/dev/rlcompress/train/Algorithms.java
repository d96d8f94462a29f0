package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.Map;

/** The training algorithms by name, so the CLI and studies dispatch in one place. */
public final class Algorithms {
  private Algorithms() {}

  public static List<String> names() {
    return List.of("dqn", "ppo", "trpo", "ddpg", "td3", "sac");
  }

  public static TrainResult train(String algo, TrainConfig cfg) {
    return switch (algo) {
      case "dqn" -> Dqn.train(cfg);
      case "ppo" -> continuous(cfg.envId()) ? PpoGaussian.train(cfg) : Ppo.train(cfg);
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
      case "dqn", "trpo", "ddpg", "td3", "sac" -> algo;
      case "ppo" -> continuous(envId) ? "ppo-gaussian" : "ppo";
      default -> throw unknown(algo);
    };
    return HyperparameterTables.resolve(table, baseId(envId));
  }

  /** The hyperparameters {@code algo} takes on {@code envId} (PPO's depend on the action space). */
  public static List<Hp> schema(String algo, String envId) {
    return switch (algo) {
      case "dqn" -> Dqn.schema();
      case "ppo" -> continuous(envId) ? PpoGaussian.schema() : Ppo.schema();
      case "trpo" -> Trpo.schema();
      case "ddpg" -> Ddpg.schema();
      case "td3" -> Td3.schema();
      case "sac" -> Sac.schema();
      default -> throw unknown(algo);
    };
  }

  /** Whether {@code envId}'s actions are continuous (a Box): PPO then trains its Gaussian-policy form. */
  static boolean continuous(String envId) {
    try (var env = dev.rlcompress.env.Envs.make(envId)) {
      return env.actionSpace() instanceof dev.rlcompress.env.Space.Box;
    }
  }

  /**
   * The hyperparameters a run of {@code algo} on {@code envId} would use, validated: what
   * {@code --show-hp} prints and what training checks before any work.
   */
  public static Hyperparameters hyperparameters(String algo, String envId, Map<String, String> overrides) {
    Hyperparameters hp = new Hyperparameters(algo, schema(algo, envId), defaults(algo, envId), overrides);
    switch (algo) {
      case "dqn" -> Dqn.checkRelations(hp);
      case "ppo", "trpo" -> Ppo.checkRelations(hp);
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
    var env = dev.rlcompress.env.Envs.make(p.envId());
    int obs = env.observationSpace().flatSize();
    if (!(env.actionSpace() instanceof dev.rlcompress.env.Space.Discrete d))
      throw new UserError("initial weights can be rebuilt for discrete-action DQN/PPO runs only");
    Map<String, String> hp = p.hyperparameters();
    if (!hp.containsKey("net_arch")) throw new UserError("the model's provenance lacks net_arch; cannot rebuild its initialisation");
    int[] hidden = Hyperparameters.widths(hp.get("net_arch"));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(p.seed());
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

package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.Map;

/** The training algorithms by name, so the CLI and studies dispatch in one place. */
public final class Algorithms {
  private Algorithms() {}

  public static List<String> names() {
    return List.of("dqn", "ppo");
  }

  public static TrainResult train(String algo, TrainConfig cfg) {
    return switch (algo) {
      case "dqn" -> Dqn.train(cfg);
      case "ppo" -> Ppo.train(cfg);
      default -> throw unknown(algo);
    };
  }

  public static Map<String, String> defaults(String algo, String envId) {
    return switch (algo) {
      case "dqn" -> Dqn.defaults(baseId(envId));
      case "ppo" -> Ppo.defaults(baseId(envId));
      default -> throw unknown(algo);
    };
  }

  public static List<Hp> schema(String algo) {
    return switch (algo) {
      case "dqn" -> Dqn.schema();
      case "ppo" -> Ppo.schema();
      default -> throw unknown(algo);
    };
  }

  /**
   * The hyperparameters a run of {@code algo} on {@code envId} would use, validated: what
   * {@code --show-hp} prints and what training checks before any work.
   */
  public static Hyperparameters hyperparameters(String algo, String envId, Map<String, String> overrides) {
    Hyperparameters hp = new Hyperparameters(algo, schema(algo), defaults(algo, envId), overrides);
    switch (algo) {
      case "dqn" -> Dqn.checkRelations(hp);
      case "ppo" -> Ppo.checkRelations(hp);
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

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
      case "dqn" -> Dqn.defaults(envId);
      case "ppo" -> Ppo.defaults(envId);
      default -> throw unknown(algo);
    };
  }

  private static UserError unknown(String algo) {
    return new UserError("unknown algorithm '" + algo + "'; known: " + String.join(", ", names()));
  }
}

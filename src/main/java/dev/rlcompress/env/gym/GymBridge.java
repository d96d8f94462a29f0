package dev.rlcompress.env.gym;

import com.google.gson.JsonObject;
import dev.rlcompress.env.EnvBatch;
import dev.rlcompress.env.EnvOptions;
import java.util.List;

/**
 * The registry's entry to Gymnasium-hosted environments: {@code gym:<id>} (any installed Gymnasium
 * env, options passed to {@code gymnasium.make} as keyword arguments) and the preprocessed Atari ids
 * ({@link Atari}).
 */
public final class GymBridge {
  /** Prefix of ids served by Gymnasium itself: {@code gym:CartPole-v1}, {@code gym:ALE/Pong-v5[frameskip=1]}. */
  public static final String PREFIX = "gym:";

  private GymBridge() {}

  /** Whether {@code id} is served by a Gymnasium worker. */
  public static boolean serves(String id) {
    return id.startsWith(PREFIX) || Atari.isAtari(id);
  }

  /** Whether {@code id} is a preprocessed Atari game ({@code ALE/<Game>-v5}, not the raw {@code gym:} one). */
  public static boolean isAtari(String id) {
    return Atari.isAtari(id);
  }

  /** The Gymnasium-hosted ids {@code rlc envs} lists. */
  public static List<String> listedIds() {
    return Atari.LISTED;
  }

  /** {@code n} copies of a served id with the default {@link BridgeSettings}. */
  public static EnvBatch batch(EnvOptions o, int n) {
    return batch(o, n, BridgeSettings.defaults());
  }

  public static EnvBatch batch(EnvOptions o, int n, BridgeSettings settings) {
    String id = o.spec().id();
    JsonObject config;
    if (id.startsWith(PREFIX)) {
      if (id.length() == PREFIX.length()) throw new dev.rlcompress.util.UserError("missing Gymnasium id after '" + PREFIX + "'");
      config = new JsonObject();
      config.addProperty("kind", "gym");
      config.addProperty("id", id.substring(PREFIX.length()));
      JsonObject kwargs = new JsonObject();
      o.raw().forEach(kwargs::addProperty);
      config.add("kwargs", kwargs);
    } else {
      config = Atari.config(o);
    }
    return GymBatch.start(id, config, n, settings);
  }
}

package dev.rlcompress.env.gym;

import com.google.gson.JsonObject;
import dev.rlcompress.env.EnvOptions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * rl-compress's Atari environments: {@code ALE/<Game>-v5} is the ALE game as Gymnasium registers it
 * (v5: sticky actions with probability 0.25, the game's minimal action set, 108,000 frames at most)
 * seen through the preprocessing the field standardized (Machado et al. 2018; the Atari wrappers of
 * Stable-Baselines3 and CleanRL): no-op reset of 1..30 frames, the action repeated for 4 frames with
 * the observation the max over the last two, 84×84 grayscale by area interpolation, FIRE (then the
 * next action) on reset for games whose action 1 is FIRE, and the last 4 frames stacked, oldest first.
 * The observation is a Box of shape [4, 84, 84] holding 0..255. {@code gym:ALE/<Game>-v5} is the raw
 * Gymnasium env instead (210×160×3 RGB frames, frameskip 4).
 *
 * <p>Evaluation is the default: full games (all lives) with the game's own score. Training sets
 * {@code training=true}: a lost life ends the episode, and rewards become their sign; the step's info
 * then carries {@code raw_reward} and {@code game_over}. After a lost life the game goes on: the next
 * reset, seeded or not, only steps out of the lost-life state (and fires), as SB3's EpisodicLifeEnv
 * does; only a game over restarts the game. Such an episode cannot be rebuilt by replaying its actions
 * from a seeded reset ({@link dev.rlcompress.env.VectorEnv#restore}). Options: {@code noop_max}, {@code frame_skip}, {@code screen_size},
 * {@code stack}, {@code fire_reset} (default: where the game has FIRE), {@code fire_on_life_loss}
 * (evaluation only, default: as {@code fire_reset}: FIRE, then action 2, right after a lost life, as the
 * training variant's reset does and as SB3's Atari wrappers do in evaluation too; a policy that learned
 * with automatic FIRE never presses it, and without this waits out the 108,000-frame limit in Breakout
 * after its first lost life), {@code training}, and
 * Gymnasium's {@code repeat_action_probability}, {@code full_action_space},
 * {@code max_num_frames_per_episode}, {@code mode}, {@code difficulty}.
 *
 * <p>Any installed game works as {@code ALE/<Game>-v5}; {@link #LISTED} are the ones {@code rlc envs}
 * shows (the games of the pixel-game study and the usual first benchmarks).
 */
final class Atari {
  static final List<String> LISTED = List.of("ALE/Pong-v5", "ALE/Breakout-v5", "ALE/MontezumaRevenge-v5");
  private static final Pattern ID = Pattern.compile("ALE/[A-Za-z0-9]+-v5");
  private static final List<String> GYMNASIUM_KWARGS =
      List.of("repeat_action_probability", "full_action_space", "max_num_frames_per_episode", "mode", "difficulty");

  /**
   * RAM bytes that say where the player is, per game, reported in each step's info as {@code ram_<name>}
   * (training logs count the rooms and positions visited). Montezuma's Revenge: room 3, x 42, y 43, from
   * the Atari Annotated RAM Interface (Anand et al. 2019, "Unsupervised State Representation Learning in
   * Atari").
   */
  static final Map<String, Map<String, Integer>> RAM_PROBES =
      Map.of("MontezumaRevenge", Map.of("room", 3, "x", 42, "y", 43));

  private Atari() {}

  /** The game's name in an {@code ALE/<Game>-v5} id. */
  static String game(String id) {
    return id.substring("ALE/".length(), id.length() - "-v5".length());
  }

  static boolean isAtari(String id) {
    return ID.matcher(id).matches();
  }

  /** Checks a boolean option and passes it on only when given, so the worker's own default applies otherwise. */
  private static void flagIfGiven(EnvOptions o, JsonObject c, String key) {
    boolean value = o.flag(key, false);
    if (o.spec().options().containsKey(key)) c.addProperty(key, value);
  }

  /** The worker config for the options, all checked here (before any process starts). */
  static JsonObject config(EnvOptions o) {
    JsonObject c = new JsonObject();
    c.addProperty("kind", "atari");
    c.addProperty("id", o.spec().id());
    // defaults: Gymnasium's AtariPreprocessing / SB3's AtariWrapper (noop 30, skip 4, 84, stack 4)
    c.addProperty("noop_max", o.integer("noop_max", 30, 0, 1000));
    c.addProperty("frame_skip", o.integer("frame_skip", 4, 1, 100));
    c.addProperty("screen_size", o.integer("screen_size", 84, 8, 1024));
    c.addProperty("stack", o.integer("stack", 4, 1, 64));
    flagIfGiven(o, c, "fire_reset"); // the worker's default: where the game's action 1 is FIRE
    flagIfGiven(o, c, "fire_on_life_loss"); // the worker's default: as fire_reset
    c.addProperty("training", o.flag("training", false));
    // Gymnasium's own keyword arguments, checked here, passed on only when given (v5's defaults otherwise)
    o.number("repeat_action_probability", 0.25, 0, 1);
    o.flag("full_action_space", false);
    o.integer("max_num_frames_per_episode", 108_000, 1, Integer.MAX_VALUE);
    o.integer("mode", 0, 0, 255);
    o.integer("difficulty", 0, 0, 255);
    JsonObject kwargs = new JsonObject();
    for (String k : GYMNASIUM_KWARGS) {
      String v = o.spec().options().get(k);
      if (v != null) kwargs.addProperty(k, v);
    }
    c.add("kwargs", kwargs);
    JsonObject ram = new JsonObject();
    RAM_PROBES.getOrDefault(game(o.spec().id()), Map.of()).forEach(ram::addProperty);
    c.add("ram", ram);
    o.requireAllUsed();
    return c;
  }
}

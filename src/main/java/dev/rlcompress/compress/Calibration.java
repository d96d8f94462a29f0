package dev.rlcompress.compress;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy's own states, for static-quantization calibration and distillation fine-tuning: the
 * observations of its greedy rollouts (what it will actually see), and the activations each layer
 * receives on them.
 */
public final class Calibration {
  /** Seeds for calibration episodes: disjoint from training (0..), training-time eval (7e6) and evaluation (1e6). */
  public static final long DEFAULT_SEED = 3_000_000L;
  /** Most calibration states of an image policy ({@link Episodes#of(String, int, int, PolicyModel)}). */
  public static final int PIXEL_STATES = 4096;

  private Calibration() {}

  /** Where calibration states come from. */
  public sealed interface Source {
    /** The states for {@code m}. */
    List<float[]> states(PolicyModel m);

    /** How the states were obtained, for the provenance: {@code "10ep/4321states"} or {@code "given/1000states"}. */
    String describe(int collected);
  }

  /**
   * Greedy episodes of the policy itself.
   *
   * @param maxStates the first this many observations are kept
   */
  public record Episodes(String envId, int episodes, long seed, int maxStates) implements Source {
    public Episodes {
      if (episodes <= 0) throw new UserError("calibration needs at least one episode (got " + episodes + ")");
      if (maxStates <= 0) throw new UserError("calibration needs room for at least one state");
    }

    /** {@code episodes} episodes from {@link #DEFAULT_SEED}, at most {@code maxStates} states. */
    public static Episodes of(String envId, int episodes, int maxStates) {
      return new Episodes(envId, episodes, DEFAULT_SEED, maxStates);
    }

    /**
     * As {@link #of}, at most {@link #PIXEL_STATES} states for a model whose observations are images
     * (more than 10,000 values): they are played and traced by the Java reference one state at a time,
     * and every layer's input is kept for calibration (about 0.2 MB per Atari state).
     */
    public static Episodes of(String envId, int episodes, int maxStates, PolicyModel m) {
      return of(envId, episodes, maxStatesFor(m, maxStates));
    }

    /** {@code maxStates}, or at most {@link #PIXEL_STATES} for a model whose observations are images (more than 10,000 values). */
    public static int maxStatesFor(PolicyModel m, int maxStates) {
      return m.inputSize() > 10_000 ? Math.min(maxStates, PIXEL_STATES) : maxStates;
    }

    public List<float[]> states(PolicyModel m) {
      return observations(m, this);
    }

    public String describe(int collected) {
      return episodes + "ep/" + collected + "states";
    }
  }

  /** A fixed set of observations (tests, or states stored elsewhere). */
  public record Given(List<float[]> observations) implements Source {
    public Given {
      if (observations.isEmpty()) throw new UserError("the calibration set is empty");
      observations = List.copyOf(observations);
    }

    public List<float[]> states(PolicyModel m) {
      return observations;
    }

    public String describe(int collected) {
      return "given/" + collected + "states";
    }
  }

  /**
   * The states of {@code r.episodes()} greedy episodes of {@code m}, stopping as soon as
   * {@code r.maxStates()} are collected: a long game (an Atari game lasts up to 27,000 steps) needs
   * not be played to its end once there are enough states.
   */
  public static List<float[]> observations(PolicyModel m, Episodes r) {
    List<float[]> obs = new ArrayList<>();
    try (Env env = Envs.make(r.envId())) {
      Rollouts.runWhile(env, Actions.greedy(m.actionHead().kind(), env.actionSpace(), m::forward), r.episodes(), r.seed(), o -> {
        obs.add(o);
        return obs.size() < r.maxStates();
      });
    }
    if (obs.isEmpty()) throw new UserError("calibration collected no observations");
    return obs;
  }

  /**
   * Activations by layer: the input each layer of the action path received, per observation; under
   * {@link #OUTPUT} the action head's output.
   */
  public static Map<LayerId, List<float[]>> activations(PolicyModel m, List<float[]> observations) {
    Map<LayerId, List<float[]>> acts = new LinkedHashMap<>();
    for (float[] o : observations) {
      float[] out = Forward.trace(m, m.actionHead(), o, (id, x) -> acts.computeIfAbsent(id, k -> new ArrayList<>()).add(x));
      acts.computeIfAbsent(OUTPUT, k -> new ArrayList<>()).add(out);
    }
    return acts;
  }

  /** The key of the action head's output in {@link #activations}. */
  public static final LayerId OUTPUT = new LayerId("output", 0);

  /** The layer that follows {@code id} on the action path ({@link #OUTPUT} after the last): whose input is id's output. */
  public static LayerId next(PolicyModel m, LayerId id) {
    List<LayerId> order = m.actionPath().stream().map(PolicyModel.NamedLayer::id).toList();
    int k = order.indexOf(id);
    return k + 1 < order.size() ? order.get(k + 1) : OUTPUT;
  }
}

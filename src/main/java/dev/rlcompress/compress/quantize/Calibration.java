package dev.rlcompress.compress.quantize;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration data for static quantization and fine-tuning: observations from the policy's own greedy
 * rollouts (the states it will actually see), and the activations each layer receives on them.
 */
public final class Calibration {
  /** Seeds for calibration episodes: disjoint from training (0..), training-time eval (7e6) and evaluation (1e6). */
  public static final long DEFAULT_SEED = 3_000_000L;

  private Calibration() {}

  public static List<float[]> observations(PolicyModel m, String envId, int episodes, long seed, int maxStates) {
    if (episodes <= 0) throw new UserError("calibration needs at least one episode (got " + episodes + ")");
    Env env = Envs.make(envId);
    List<float[]> obs = new ArrayList<>();
    Rollouts.run(env, Actions.greedy(m.actionHead().kind(), env.actionSpace(), m::forward), episodes, seed, o -> {
      if (obs.size() < maxStates) obs.add(o);
    });
    if (obs.isEmpty()) throw new UserError("calibration collected no observations");
    return obs;
  }

  /**
   * Activations by layer name ("trunk.0", "q.2", …): the input each layer received, per observation;
   * under the name "output" the action head's output.
   */
  public static Map<String, List<float[]>> activations(PolicyModel m, List<float[]> observations) {
    Map<String, List<float[]>> acts = new LinkedHashMap<>();
    for (float[] o : observations) {
      float[] out = Forward.trace(m, m.actionHead(), o, (name, x) -> acts.computeIfAbsent(name, k -> new ArrayList<>()).add(x));
      acts.computeIfAbsent("output", k -> new ArrayList<>()).add(out);
    }
    return acts;
  }

  /** Name of the tensor that follows layer {@code name} in execution order ("output" after the last). */
  public static String next(PolicyModel m, String name) {
    List<String> order = m.actionPath().stream().map(PolicyModel.NamedLayer::name).toList();
    int k = order.indexOf(name);
    return k + 1 < order.size() ? order.get(k + 1) : "output";
  }
}

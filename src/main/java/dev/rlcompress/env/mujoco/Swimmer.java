package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import java.util.Map;

/**
 * Swimmer-v4/v5 (Gymnasium 1.3 {@code swimmer_v4/v5.py}): forward x-velocity of the root minus a
 * control cost in a viscous fluid, never terminates. Observation: qpos without the root x, y
 * (optional), qvel. Reset: uniform ±scale on qpos and qvel.
 */
public final class Swimmer extends MujocoEnv {
  private final double forwardWeight, ctrlCostWeight, noise;
  private final boolean excludeXy;

  Swimmer(EnvOptions o, String version) {
    super(new Spec("Swimmer-" + version, "swimmer.xml", frameSkip(o, version.equals("v5"), 4), 1000, 360, false));
    forwardWeight = number(o, "forward_reward_weight", 1.0);
    ctrlCostWeight = number(o, "ctrl_cost_weight", 1e-4);
    noise = noiseScale(o, 0.1);
    excludeXy = o.flag("exclude_current_positions_from_observation", true);
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  @Override
  protected int hiddenPositions() {
    return excludeXy ? 2 : 0;
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    Motion root = simulateTracking(action, info, this::qpos);
    double forward = forwardWeight * root.xVelocity();
    float ctrlCost = NumpySum.weightedSquares(ctrlCostWeight, action);
    if (!v5) {
      info.put("reward_fwd", forward);
      info.put("reward_ctrl", (double) -ctrlCost);
    }
    putPosition(info, root.x(), root.y());
    root.putVelocity(info);
    info.put(v5 ? "reward_forward" : "forward_reward", forward);
    if (v5) info.put("reward_ctrl", (double) -ctrlCost);
    return result(forward - ctrlCost, false, info);
  }
}

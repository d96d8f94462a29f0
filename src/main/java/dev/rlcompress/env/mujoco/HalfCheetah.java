package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import java.util.Map;

/**
 * HalfCheetah-v4/v5 (Gymnasium 1.3 {@code half_cheetah_v4/v5.py}): forward x-velocity of the root
 * minus a control cost, never terminates. Observation: qpos without the root x (optional), qvel.
 * Reset: qpos uniform ±scale, qvel scale × standard normal.
 */
public final class HalfCheetah extends MujocoEnv {
  private final double forwardWeight, ctrlCostWeight, noise;
  private final boolean excludeX;

  HalfCheetah(EnvOptions o, String version) {
    super(new Spec("HalfCheetah-" + version, "half_cheetah.xml", frameSkip(o, version.equals("v5"), 5), 1000, 4800, false));
    forwardWeight = number(o, "forward_reward_weight", 1.0);
    ctrlCostWeight = number(o, "ctrl_cost_weight", 0.1);
    noise = noiseScale(o, 0.1);
    excludeX = o.flag("exclude_current_positions_from_observation", true);
  }

  @Override
  protected void resetModel() {
    resetNormalVelocities(noise);
  }

  @Override
  protected int hiddenPositions() {
    return excludeX ? 1 : 0;
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    Motion root = simulateTracking(action, info, this::qpos); // qpos 0 is the root's x (1 its z, unused)
    double forward = forwardWeight * root.xVelocity();
    float ctrlCost = NumpySum.weightedSquares(ctrlCostWeight, action);
    info.put("x_position", root.x());
    info.put("x_velocity", root.xVelocity());
    info.put(v5 ? "reward_forward" : "reward_run", forward);
    info.put("reward_ctrl", (double) -ctrlCost);
    return result(forward - ctrlCost, false, info);
  }
}

package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import java.util.Map;

/**
 * The tasks whose whole reward is the root's forward x-velocity minus a control cost and which never
 * terminate (HalfCheetah, Swimmer in Gymnasium 1.3): the options they share, the step, and the
 * observation of qpos without the root's leading coordinates then qvel. Each task names its own info
 * entries, which differ between them and between v4 and v5.
 */
abstract class ForwardRunner extends MujocoEnv {
  protected final double forwardWeight, ctrlCostWeight, noise;
  private final int hidden;

  /**
   * @param ctrlCostDefault the task's default {@code ctrl_cost_weight}
   * @param rootCoordinates how many leading qpos entries (x, or x and y) the observation leaves out by
   *     default ({@code exclude_current_positions_from_observation})
   */
  ForwardRunner(Spec spec, EnvOptions o, double ctrlCostDefault, int rootCoordinates) {
    super(spec);
    forwardWeight = number(o, "forward_reward_weight", 1.0);
    ctrlCostWeight = number(o, "ctrl_cost_weight", ctrlCostDefault);
    noise = noiseScale(o, 0.1);
    hidden = o.flag("exclude_current_positions_from_observation", true) ? rootCoordinates : 0;
  }

  @Override
  protected final int hiddenPositions() {
    return hidden;
  }

  @Override
  protected final Step taskStep(float[] action) {
    Map<String, Double> info = info();
    Motion root = simulateTracking(action, info, this::qpos); // qpos 0 is the root's x
    double forward = forwardWeight * root.xVelocity();
    float ctrlCost = NumpySum.weightedSquares(ctrlCostWeight, action);
    putInfo(info, root, forward, ctrlCost);
    return result(forward - ctrlCost, false, info);
  }

  /** The task's info entries for a step, in Gymnasium's order. */
  protected abstract void putInfo(Map<String, Double> info, Motion root, double forward, float ctrlCost);
}

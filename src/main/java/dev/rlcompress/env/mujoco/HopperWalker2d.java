package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import java.util.Map;

/**
 * Hopper and Walker2d (Gymnasium 1.3 {@code hopper_v4/v5.py}, {@code walker2d_v4/v5.py}): planar
 * bodies rewarded for forward x-velocity of the root plus a healthy bonus, minus a control cost;
 * unhealthy (torso too low, too tilted, or for Hopper any state beyond ±100) ends the episode.
 * Observation: qpos without the root x (optional), then qvel clipped to ±10. The two differ only in
 * model file, defaults and Hopper's extra state-range check, so they share this class.
 */
public final class HopperWalker2d extends MujocoEnv {
  private final boolean hopper, terminateWhenUnhealthy, excludeX;
  private final double forwardWeight, ctrlCostWeight, healthyReward, noise;
  private final double[] stateRange, zRange, angleRange;

  /** Hopper-v4/v5: 4 frames per step, reward threshold 3800 (Gymnasium's registration). */
  static HopperWalker2d hopper(EnvOptions o, String version) {
    return new HopperWalker2d(o, version, true);
  }

  /** Walker2d-v4/v5 (v5 uses walker2d_v5.xml, whose feet have Gymnasium's fixed friction). */
  static HopperWalker2d walker2d(EnvOptions o, String version) {
    return new HopperWalker2d(o, version, false);
  }

  private HopperWalker2d(EnvOptions o, String version, boolean hopper) {
    super(new Spec((hopper ? "Hopper-" : "Walker2d-") + version,
        hopper ? "hopper.xml" : version.equals("v5") ? "walker2d_v5.xml" : "walker2d.xml",
        frameSkip(o, version.equals("v5"), 4), 1000, hopper ? 3800 : Double.NaN, false));
    this.hopper = hopper;
    forwardWeight = number(o, "forward_reward_weight", 1.0);
    ctrlCostWeight = number(o, "ctrl_cost_weight", 1e-3);
    healthyReward = number(o, "healthy_reward", 1.0);
    terminateWhenUnhealthy = o.flag("terminate_when_unhealthy", true);
    stateRange = hopper ? o.range("healthy_state_range", -100, 100) : null;
    zRange = o.range("healthy_z_range", hopper ? 0.7 : 0.8, hopper ? Double.POSITIVE_INFINITY : 2.0);
    angleRange = o.range("healthy_angle_range", hopper ? -0.2 : -1.0, hopper ? 0.2 : 1.0);
    noise = noiseScale(o, 5e-3);
    excludeX = o.flag("exclude_current_positions_from_observation", true);
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  private boolean healthy() {
    if (!inside(qpos(1), zRange) || !inside(qpos(2), angleRange)) return false;
    if (!hopper) return true;
    for (int i = 2; i < sim.nq(); i++) if (!inside(qpos(i), stateRange)) return false;
    for (int i = 0; i < sim.nv(); i++) if (!inside(qvel(i), stateRange)) return false;
    return true;
  }

  @Override
  protected double[] observe() {
    return new Obs().add(qpos, excludeX ? 1 : 0, sim.nq()).add(qvel, 0, sim.nv(), 10).done();
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    double xBefore = qpos(0);
    simulate(action, info);
    double x = qpos(0);
    double xVelocity = (x - xBefore) / dt;
    boolean healthy = healthy();
    // v4 pays the healthy bonus on every step while termination is on; v5 only while healthy
    double survive = (healthy || (!v5 && terminateWhenUnhealthy) ? 1.0 : 0.0) * healthyReward;
    double forward = forwardWeight * xVelocity;
    float ctrlCost = NumpySum.weightedSquares(ctrlCostWeight, action);
    double reward = (forward + survive) - ctrlCost;
    info.put("x_position", x);
    if (v5) info.put("z_distance_from_origin", qpos(1) - initQpos[1]);
    info.put("x_velocity", xVelocity);
    if (v5) {
      info.put("reward_forward", forward);
      info.put("reward_ctrl", (double) -ctrlCost);
      info.put("reward_survive", survive);
    }
    return result(reward, !healthy && terminateWhenUnhealthy, info);
  }
}

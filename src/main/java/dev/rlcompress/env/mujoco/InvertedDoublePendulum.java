package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * InvertedDoublePendulum-v4/v5 (Gymnasium 1.3 {@code inverted_double_pendulum_v4/v5.py}): balance two
 * linked poles on a cart; reward = alive bonus 10 (v5: 0 on the terminating step) − 0.01·x² − (y−2)²
 * of the tip site − 0.001·v1² − 0.005·v2². Terminates when the tip's height y ≤ 1. Observation: cart
 * position, sin and cos of the hinge angles, qvel and qfrc_constraint clipped to ±10 (v5: only the
 * first constraint force). Reset: qpos uniform ±0.1, qvel 0.1 × standard normal (v5: the scale is
 * {@code reset_noise_scale}).
 */
public final class InvertedDoublePendulum extends MujocoEnv {
  private final double healthyReward, noise;
  private final MemorySegment siteXpos, qfrcConstraint;

  InvertedDoublePendulum(EnvOptions o, String version) {
    super(new Spec("InvertedDoublePendulum-" + version, "inverted_double_pendulum.xml", frameSkip(o, version.equals("v5"), 5), 1000, 9100, false));
    healthyReward = v5 ? number(o, "healthy_reward", 10.0) : 10.0;
    noise = v5 ? noiseScale(o, 0.1) : 0.1;
    siteXpos = sim.array(DataArray.SITE_XPOS);
    qfrcConstraint = sim.array(DataArray.QFRC_CONSTRAINT);
  }

  @Override
  protected void resetModel() {
    resetNormalVelocities(noise);
  }

  @Override
  protected double[] observe() {
    Obs obs = new Obs().add(qpos(0));
    for (int i = 1; i < sim.nq(); i++) obs.add(Math.sin(qpos(i)));
    for (int i = 1; i < sim.nq(); i++) obs.add(Math.cos(qpos(i)));
    return obs.add(qvel, 0, sim.nv(), 10).add(qfrcConstraint, 0, v5 ? 1 : sim.nv(), 10).done();
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    simulate(action, info);
    double x = at(siteXpos, 0), y = at(siteXpos, 2);
    boolean terminated = y <= 1;
    double distPenalty = 0.01 * (x * x) + (y - 2) * (y - 2);
    double v1 = qvel(1), v2 = qvel(2);
    double velPenalty = 0.001 * (v1 * v1) + 0.005 * (v2 * v2);
    double alive = v5 ? healthyReward * (terminated ? 0 : 1) : 10;
    if (v5) {
      info.put("reward_survive", alive);
      info.put("distance_penalty", -distPenalty);
      info.put("velocity_penalty", -velPenalty);
    }
    return result(alive - distPenalty - velPenalty, terminated, info);
  }
}

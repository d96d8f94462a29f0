package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import java.util.Map;

/**
 * HalfCheetah-v4/v5 (Gymnasium 1.3 {@code half_cheetah_v4/v5.py}): forward x-velocity of the root
 * minus a control cost, never terminates. Observation: qpos without the root x (optional), qvel.
 * Reset: qpos uniform ±scale, qvel scale × standard normal.
 */
public final class HalfCheetah extends ForwardRunner {
  HalfCheetah(EnvOptions o, String version) {
    super(new Spec("HalfCheetah-" + version, "half_cheetah.xml", frameSkip(o, version.equals("v5"), 5), 1000, 4800, false), o, 0.1, 1);
  }

  @Override
  protected void resetModel() {
    resetNormalVelocities(noise);
  }

  @Override
  protected void putInfo(Map<String, Double> info, Motion root, double forward, float ctrlCost) {
    info.put("x_position", root.x());
    info.put("x_velocity", root.xVelocity());
    info.put(v5 ? "reward_forward" : "reward_run", forward);
    info.put("reward_ctrl", (double) -ctrlCost);
  }
}

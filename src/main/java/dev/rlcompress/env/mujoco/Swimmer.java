package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import java.util.Map;

/**
 * Swimmer-v4/v5 (Gymnasium 1.3 {@code swimmer_v4/v5.py}): forward x-velocity of the root minus a
 * control cost in a viscous fluid, never terminates. Observation: qpos without the root x, y
 * (optional), qvel. Reset: uniform ±scale on qpos and qvel.
 */
public final class Swimmer extends ForwardRunner {
  Swimmer(EnvOptions o, String version) {
    super(new Spec("Swimmer-" + version, "swimmer.xml", frameSkip(o, version.equals("v5"), 4), 1000, 360, false), o, 1e-4, 2);
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  @Override
  protected void putInfo(Map<String, Double> info, Motion root, double forward, float ctrlCost) {
    if (!v5) {
      info.put("reward_fwd", forward);
      info.put("reward_ctrl", (double) -ctrlCost);
    }
    putPosition(info, root.x(), root.y());
    root.putVelocity(info);
    info.put(v5 ? "reward_forward" : "forward_reward", forward);
    if (v5) info.put("reward_ctrl", (double) -ctrlCost);
  }
}

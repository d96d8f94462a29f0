package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import java.util.Map;

/**
 * InvertedPendulum-v4/v5 (Gymnasium 1.3 {@code inverted_pendulum_v4/v5.py}): keep a pole upright on a
 * cart; reward 1 per step (v5: 0 on the terminating step); terminates when the pole angle exceeds 0.2
 * rad or the state is not finite. Observation: qpos, qvel. Reset: uniform ±0.01 (v5:
 * {@code reset_noise_scale}) on qpos and qvel.
 */
public final class InvertedPendulum extends MujocoEnv {
  private final double noise;

  InvertedPendulum(EnvOptions o, String version) {
    super(new Spec("InvertedPendulum-" + version, "inverted_pendulum.xml", frameSkip(o, version.equals("v5"), 2), 1000, 950, false));
    noise = v5 ? noiseScale(o, 0.01) : 0.01;
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    simulate(action, info);
    double[] obs = observe();
    boolean terminated = Math.abs(obs[1]) > 0.2;
    for (double v : obs) terminated |= !Double.isFinite(v);
    double reward = v5 ? (terminated ? 0 : 1) : 1.0;
    if (v5) info.put("reward_survive", reward);
    return result(reward, terminated, info);
  }
}

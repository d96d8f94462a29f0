package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import java.util.Map;

/**
 * HumanoidStandup-v4/v5 (Gymnasium 1.3 {@code humanoidstandup_v4/v5.py}): the humanoid starts lying
 * down and is rewarded for torso height per unit time ({@code qpos[2] / timestep}) plus 1, minus a
 * control cost and an impact cost on cfrc_ext clipped at 10. Never terminates. Observation as
 * {@link Humanoid}'s. Gymnasium's v5 accepts {@code uph_cost_weight} but does not use it; so here.
 */
public final class HumanoidStandup extends MujocoEnv {
  private final double ctrlCostWeight, impactCostWeight, noise;
  private final double[] impactCostRange;
  private final Humanoid.Parts parts;

  HumanoidStandup(EnvOptions o, String version) {
    super(new Spec("HumanoidStandup-" + version, "humanoidstandup.xml", frameSkip(o, version.equals("v5"), 5), 1000, Double.NaN, true));
    if (v5) number(o, "uph_cost_weight", 1.0);
    ctrlCostWeight = v5 ? number(o, "ctrl_cost_weight", 0.1) : 0.1;
    impactCostWeight = v5 ? number(o, "impact_cost_weight", 5e-7) : 5e-7;
    impactCostRange = v5 ? o.range("impact_cost_range", Double.NEGATIVE_INFINITY, 10.0) : new double[] {Double.NEGATIVE_INFINITY, 10};
    noise = v5 ? noiseScale(o, 1e-2) : 1e-2;
    parts = v5 ? Humanoid.Parts.v5(o) : Humanoid.Parts.v4(true);
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  @Override
  protected double[] observe() {
    return Humanoid.observation(sim, parts);
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    simulate(action, info);
    double uph = (qpos(2) - 0) / sim.timestep();
    double ctrlCost = ctrlCostWeight * NumpySum.squares(sim.array(DataArray.CTRL), 0, sim.nu());
    double impact = clip(impactCostWeight * NumpySum.squares(sim.array(DataArray.CFRC_EXT), 0, 6 * sim.nbody()),
        impactCostRange[0], impactCostRange[1]);
    if (v5) {
      info.put("x_position", qpos(0));
      info.put("y_position", qpos(1));
      info.put("z_distance_from_origin", qpos(2) - initQpos[2]);
    }
    info.put("reward_linup", uph);
    info.put("reward_quadctrl", -ctrlCost);
    info.put("reward_impact", -impact);
    return result(uph - ctrlCost - impact + 1, false, info);
  }
}

package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Humanoid-v4/v5 (Gymnasium 1.3 {@code humanoid_v4/v5.py}): x-velocity of the mass centre plus a
 * healthy bonus, minus a control cost on {@code ctrl} (float64) and, in v5, a clipped contact cost on
 * cfrc_ext. Terminates when the torso height leaves (1, 2). Observation: see {@link #observation}.
 * Reset: uniform ±scale on qpos and qvel.
 */
public final class Humanoid extends MujocoEnv {
  private final double forwardWeight, ctrlCostWeight, contactCostWeight, healthyReward, noise;
  private final double[] contactCostRange, zRange;
  private final boolean terminateWhenUnhealthy;
  private final Parts parts;
  private final double[] bodyMass;
  private final double totalMass;
  private final MemorySegment xipos;

  /** Which pieces the observation holds (v5 options), shared with {@link HumanoidStandup}. */
  record Parts(boolean v5, boolean excludeXy, boolean cinert, boolean cvel, boolean qfrcActuator, boolean cfrcExt) {
    /** v4: everything, whole arrays. */
    static Parts v4(boolean excludeXy) {
      return new Parts(false, excludeXy, true, true, true, true);
    }

    /** v5: the {@code include_*_in_observation} options. */
    static Parts v5(EnvOptions o) {
      return new Parts(true, o.flag("exclude_current_positions_from_observation", true),
          o.flag("include_cinert_in_observation", true), o.flag("include_cvel_in_observation", true),
          o.flag("include_qfrc_actuator_in_observation", true), o.flag("include_cfrc_ext_in_observation", true));
    }
  }

  Humanoid(EnvOptions o, String version) {
    super(new Spec("Humanoid-" + version, "humanoid.xml", frameSkip(o, version.equals("v5"), 5), 1000, Double.NaN, true));
    forwardWeight = number(o, "forward_reward_weight", 1.25);
    ctrlCostWeight = number(o, "ctrl_cost_weight", 0.1);
    contactCostWeight = v5 ? number(o, "contact_cost_weight", 5e-7) : 0;
    contactCostRange = v5 ? o.range("contact_cost_range", Double.NEGATIVE_INFINITY, 10.0) : null;
    healthyReward = number(o, "healthy_reward", 5.0);
    terminateWhenUnhealthy = o.flag("terminate_when_unhealthy", true);
    zRange = o.range("healthy_z_range", 1.0, 2.0);
    noise = noiseScale(o, 1e-2);
    parts = v5 ? Parts.v5(o) : Parts.v4(o.flag("exclude_current_positions_from_observation", true));
    bodyMass = sim.bodyMass();
    totalMass = NumpySum.sum(bodyMass);
    xipos = sim.array(DataArray.XIPOS);
  }

  @Override
  protected double resetNoiseScale() {
    return noise;
  }

  /**
   * qpos (without root x, y), qvel, then cinert, cvel, qfrc_actuator and cfrc_ext: v4 all of them
   * whole; v5 without the world body and the free joint's six actuator forces, each optional.
   */
  static double[] observation(MjSim sim, Parts p) {
    int skipBody = p.v5() ? 1 : 0;
    Obs obs = Obs.ofState(sim, p.excludeXy() ? 2 : 0);
    if (p.cinert()) obs.add(sim.array(DataArray.CINERT), 10 * skipBody, 10 * sim.nbody());
    if (p.cvel()) obs.add(sim.array(DataArray.CVEL), 6 * skipBody, 6 * sim.nbody());
    if (p.qfrcActuator()) obs.add(sim.array(DataArray.QFRC_ACTUATOR), p.v5() ? 6 : 0, sim.nv());
    if (p.cfrcExt()) obs.add(sim.array(DataArray.CFRC_EXT), 6 * skipBody, 6 * sim.nbody());
    return obs.done();
  }

  @Override
  protected double[] observe() {
    return observation(sim, parts);
  }

  /** x (j=0) or y (j=1) of the mass centre: Σ mass·xipos / Σ mass. */
  private double massCenter(int j) {
    double s = 0;
    for (int b = 0; b < bodyMass.length; b++) s += bodyMass[b] * at(xipos, 3 * b + j);
    return s / totalMass;
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    Motion centre = simulateTracking(action, info, this::massCenter);
    boolean healthy = inside(qpos(2), zRange);
    double survive = (healthy || (!v5 && terminateWhenUnhealthy) ? 1.0 : 0.0) * healthyReward;
    double forward = forwardWeight * centre.xVelocity();
    double ctrlCost = ctrlCostWeight * NumpySum.squares(sim.array(DataArray.CTRL), 0, sim.nu());
    double contact = v5 ? clip(contactCostWeight * NumpySum.squares(sim.array(DataArray.CFRC_EXT), 0, 6 * sim.nbody()),
        contactCostRange[0], contactCostRange[1]) : 0;
    double reward = (forward + survive) - (v5 ? ctrlCost + contact : ctrlCost);
    if (v5) {
      putPosition(info, qpos(0), qpos(1));
    } else {
      info.put("reward_linvel", forward);
      info.put("reward_quadctrl", -ctrlCost);
      info.put("reward_alive", survive);
      putPosition(info, centre.x(), centre.y());
    }
    centre.putVelocity(info);
    if (v5) {
      info.put("reward_survive", survive);
      info.put("reward_forward", forward);
      info.put("reward_ctrl", -ctrlCost);
      info.put("reward_contact", -contact);
    } else {
      info.put("forward_reward", forward);
    }
    return result(reward, !healthy && terminateWhenUnhealthy, info);
  }
}

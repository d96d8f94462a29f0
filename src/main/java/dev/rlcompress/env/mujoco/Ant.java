package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Ant-v4/v5 (Gymnasium 1.3 {@code ant_v4/v5.py}): x-velocity of the torso plus a healthy bonus, minus
 * control and (v5 always, v4 with {@code use_contact_forces}) contact costs on the clipped external
 * contact forces (cfrc_ext). Unhealthy (non-finite state or torso z outside [0.2, 1]) terminates.
 * Observation: qpos without the root x, y (optional), qvel, then the clipped cfrc_ext (v4: all bodies
 * with {@code use_contact_forces}; v5: bodies 1.. unless {@code include_cfrc_ext_in_observation=false}).
 * Reset: qpos uniform ±scale, qvel scale × standard normal.
 */
public final class Ant extends MujocoEnv {
  private final double forwardWeight, ctrlCostWeight, contactCostWeight, healthyReward, noise;
  private final boolean terminateWhenUnhealthy, excludeXy, contactCost, contactObs;
  private final double[] zRange, forceRange;
  private final int mainBody, contactFrom;
  private final MemorySegment xpos, cfrcExt;

  Ant(EnvOptions o, String version) {
    this(o, version, version.equals("v5") || o.flag("use_contact_forces", false));
  }

  private Ant(EnvOptions o, String version, boolean contact) {
    super(new Spec("Ant-" + version, "ant.xml", frameSkip(o, version.equals("v5"), 5), 1000, 6000, contact));
    forwardWeight = v5 ? number(o, "forward_reward_weight", 1.0) : 1.0;
    ctrlCostWeight = number(o, "ctrl_cost_weight", 0.5);
    contactCostWeight = number(o, "contact_cost_weight", 5e-4);
    healthyReward = number(o, "healthy_reward", 1.0);
    terminateWhenUnhealthy = o.flag("terminate_when_unhealthy", true);
    zRange = o.range("healthy_z_range", 0.2, 1.0);
    forceRange = o.range("contact_force_range", -1.0, 1.0);
    noise = noiseScale(o, 0.1);
    excludeXy = o.flag("exclude_current_positions_from_observation", true);
    mainBody = v5 ? o.integer("main_body", 1, 0, sim.nbody() - 1) : sim.id(MjSim.OBJ_BODY, "torso");
    contactCost = contact;
    contactObs = v5 ? o.flag("include_cfrc_ext_in_observation", true) : contact;
    contactFrom = v5 ? 6 : 0; // v5 leaves out the world body
    xpos = sim.array(DataArray.XPOS);
    cfrcExt = sim.array(DataArray.CFRC_EXT);
  }

  @Override
  protected void resetModel() {
    resetNormalVelocities(noise);
  }

  private boolean healthy() {
    for (int i = 0; i < sim.nq(); i++) if (!Double.isFinite(qpos(i))) return false;
    for (int i = 0; i < sim.nv(); i++) if (!Double.isFinite(qvel(i))) return false;
    return zRange[0] <= qpos(2) && qpos(2) <= zRange[1];
  }

  private double clippedForce(int i) {
    return clip(at(cfrcExt, i), forceRange[0], forceRange[1]);
  }

  @Override
  protected double[] observe() {
    Obs obs = Obs.ofState(sim, excludeXy ? 2 : 0);
    if (contactObs) for (int i = contactFrom; i < 6 * sim.nbody(); i++) obs.add(clippedForce(i));
    return obs.done();
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    Motion torso = simulateTracking(action, info, j -> at(xpos, 3 * mainBody + j));
    boolean healthy = healthy();
    double survive = (healthy || (!v5 && terminateWhenUnhealthy) ? 1.0 : 0.0) * healthyReward;
    double forward = torso.xVelocity() * forwardWeight;
    float ctrlCost = NumpySum.weightedSquares(ctrlCostWeight, action);
    double contact = 0;
    if (contactCost) {
      double[] sq = new double[6 * sim.nbody()];
      for (int i = 0; i < sq.length; i++) sq[i] = clippedForce(i) * clippedForce(i);
      contact = contactCostWeight * NumpySum.sum(sq);
    }
    double reward = (forward + survive) - (ctrlCost + contact);
    if (v5) {
      putPosition(info, qpos(0), qpos(1));
    } else {
      info.put("reward_forward", forward);
      info.put("reward_ctrl", contactCost ? -contact : -ctrlCost); // v4 overwrites it with the contact cost
      info.put("reward_survive", survive);
      putPosition(info, torso.x(), torso.y());
    }
    torso.putVelocity(info);
    if (v5) {
      info.put("reward_forward", forward);
      info.put("reward_ctrl", (double) -ctrlCost);
      info.put("reward_contact", -contact);
      info.put("reward_survive", survive);
    } else {
      info.put("forward_reward", forward);
    }
    return result(reward, !healthy && terminateWhenUnhealthy, info);
  }
}

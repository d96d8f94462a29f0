package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Reacher-v4/v5 (Gymnasium 1.3 {@code reacher_v4/v5.py}): a two-joint arm brings its fingertip to a
 * random target; reward = −distance − Σ action² (weighted in v5). v4 computes the reward from the
 * state before the step, v5 after it. Observation: cos and sin of the two joint angles, the target
 * position (qpos[2:]), the two joint velocities, fingertip − target (v4: x, y, z; v5: x, y). 50 steps.
 */
public final class Reacher extends MujocoEnv {
  private final double distWeight, ctrlWeight;
  private final int fingertip, target;
  private final MemorySegment xpos;

  Reacher(EnvOptions o, String version) {
    super(new Spec("Reacher-" + version, "reacher.xml", frameSkip(o, version.equals("v5"), 2), 50, -3.75, false));
    distWeight = v5 ? number(o, "reward_dist_weight", 1) : 1;
    ctrlWeight = v5 ? number(o, "reward_control_weight", 1) : 1;
    fingertip = sim.id(MjSim.OBJ_BODY, "fingertip");
    target = sim.id(MjSim.OBJ_BODY, "target");
    xpos = sim.array(DataArray.XPOS);
  }

  /** Arm angles uniform ±0.1; target uniform in the ±0.2 square until inside the 0.2 circle; arm speeds ±0.005. */
  @Override
  protected void resetModel() {
    double[] q = plus(uniformNoise(sim.nq(), -0.1, 0.1), initQpos);
    double[] goal;
    do goal = uniformNoise(2, -0.2, 0.2);
    while (!(Math.sqrt(goal[0] * goal[0] + goal[1] * goal[1]) < 0.2));
    q[sim.nq() - 2] = goal[0];
    q[sim.nq() - 1] = goal[1];
    double[] v = plus(initQvel, uniformNoise(sim.nv(), -0.005, 0.005));
    v[sim.nv() - 2] = 0;
    v[sim.nv() - 1] = 0;
    setState(q, v);
  }

  private double delta(int j) {
    return at(xpos, 3 * fingertip + j) - at(xpos, 3 * target + j);
  }

  private double distance() {
    double x = delta(0), y = delta(1), z = delta(2);
    return Math.sqrt(x * x + y * y + z * z);
  }

  @Override
  protected double[] observe() {
    Obs obs = new Obs().add(Math.cos(qpos(0))).add(Math.cos(qpos(1))).add(Math.sin(qpos(0))).add(Math.sin(qpos(1)));
    obs.add(qpos, 2, sim.nq()).add(qvel, 0, 2).add(delta(0)).add(delta(1));
    return (v5 ? obs : obs.add(delta(2))).done();
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    double dist = v5 ? 0 : -distance();
    simulate(action, info);
    if (v5) dist = -distance() * distWeight;
    // float32 like Gymnasium's np.square(action).sum() (times the weight, rounded to float32)
    float ctrl = v5 ? -NumpySum.squares(action) * (float) ctrlWeight : -NumpySum.squares(action);
    info.put("reward_dist", dist);
    info.put("reward_ctrl", (double) ctrl);
    return result(dist + ctrl, false, info);
  }
}

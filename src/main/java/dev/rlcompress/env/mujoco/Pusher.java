package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import dev.rlcompress.util.UserError;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Pusher-v5 (Gymnasium 1.3 {@code pusher_v5.py}): a 7-joint arm pushes a cylinder to a goal; reward =
 * −0.5·|object − fingertip| − |object − goal| − 0.1·Σ action². Observation: the arm's 7 joint angles and
 * velocities, then the positions of the fingertip, the object and the goal. 100 steps.
 *
 * <p>Pusher-v4 is refused as Gymnasium 1.3 refuses it on MuJoCo ≥ 3 (its model behaves differently
 * there; Gymnasium issue 950).
 */
public final class Pusher extends MujocoEnv {
  private final double nearWeight, distWeight, ctrlWeight;
  private final int tips, object, goal;
  private final MemorySegment xpos;

  Pusher(EnvOptions o, String version) {
    super(new Spec("Pusher-" + requireV5(version), "pusher_v5.xml", frameSkip(o, true, 5), 100, 0.0, false));
    nearWeight = number(o, "reward_near_weight", 0.5);
    distWeight = number(o, "reward_dist_weight", 1);
    ctrlWeight = number(o, "reward_control_weight", 0.1);
    tips = sim.id(MjSim.OBJ_BODY, "tips_arm");
    object = sim.id(MjSim.OBJ_BODY, "object");
    goal = sim.id(MjSim.OBJ_BODY, "goal");
    xpos = sim.array(DataArray.XPOS);
  }

  private static String requireV5(String version) {
    if (!version.equals("v5"))
      throw new UserError("Pusher-" + version + " is only supported on mujoco<3 (Gymnasium 1.3 refuses it on MuJoCo "
          + "3.x, Gymnasium issue 950); use Pusher-v5");
    return version;
  }

  /** Arm at its initial pose; cylinder uniform in [−0.3, 0] × [−0.2, 0.2] until farther than 0.17 from the goal at 0. */
  @Override
  protected void resetModel() {
    double[] q = initQpos.clone();
    double[] cylinder;
    do cylinder = new double[] {uniformNoise(1, -0.3, 0)[0], uniformNoise(1, -0.2, 0.2)[0]};
    while (!(Math.sqrt(cylinder[0] * cylinder[0] + cylinder[1] * cylinder[1]) > 0.17));
    int n = sim.nq();
    q[n - 4] = cylinder[0];
    q[n - 3] = cylinder[1];
    q[n - 2] = 0;
    q[n - 1] = 0;
    double[] v = plus(initQvel, uniformNoise(sim.nv(), -0.005, 0.005));
    for (int i = sim.nv() - 4; i < sim.nv(); i++) v[i] = 0;
    setState(q, v);
  }

  private double distance(int a, int b) {
    double x = at(xpos, 3 * a) - at(xpos, 3 * b), y = at(xpos, 3 * a + 1) - at(xpos, 3 * b + 1), z = at(xpos, 3 * a + 2) - at(xpos, 3 * b + 2);
    return Math.sqrt(x * x + y * y + z * z);
  }

  @Override
  protected double[] observe() {
    return new Obs().add(qpos, 0, 7).add(qvel, 0, 7).add(xpos, 3 * tips, 3 * tips + 3)
        .add(xpos, 3 * object, 3 * object + 3).add(xpos, 3 * goal, 3 * goal + 3).done();
  }

  @Override
  protected Step taskStep(float[] action) {
    Map<String, Double> info = info();
    simulate(action, info);
    double near = -distance(object, tips) * nearWeight;
    double dist = -distance(object, goal) * distWeight;
    float ctrl = -NumpySum.squares(action) * (float) ctrlWeight; // float32, as Gymnasium's
    info.put("reward_dist", dist);
    info.put("reward_ctrl", (double) ctrl);
    info.put("reward_near", near);
    return result((dist + ctrl) + near, false, info);
  }
}

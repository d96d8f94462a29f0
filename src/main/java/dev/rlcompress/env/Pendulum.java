package dev.rlcompress.env;

/**
 * Pendulum-v1 with Gymnasium's constants (g = 10, m = l = 1, dt = 0.05, max torque 2, max speed 8):
 * cost = angle² + 0.1·speed² + 0.001·torque², 200 steps, never terminates. Gymnasium defines no
 * reward threshold, so no success rate is reported.
 */
public final class Pendulum extends FixedSpacesEnv {
  static final double MAX_SPEED = 8, MAX_TORQUE = 2.0, DT = 0.05, G = 10.0, M = 1.0, L = 1.0;

  private static final Space OBS =
      Space.Box.of(new float[] {-1, -1, (float) -MAX_SPEED}, new float[] {1, 1, (float) MAX_SPEED});
  private static final Space ACT = Space.Box.uniform(1, (float) -MAX_TORQUE, (float) MAX_TORQUE);

  private double th, thDot;

  public Pendulum() {
    super("Pendulum-v1", 200, Double.NaN, OBS, ACT);
  }

  /** The internal state in Gymnasium's order ({@code env.unwrapped.state}), for parity checks. */
  double[] state() {
    return new double[] {th, thDot};
  }

  /** Sets angle and angular velocity directly; used by tests. */
  public void setState(double th, double thDot) {
    this.th = th;
    this.thDot = thDot;
  }

  @Override
  protected float[] doReset() {
    // Gymnasium: uniform(low=-high, high=high) with high = [pi, 1], one array draw
    double[] s = npRandom().uniform(new double[] {-Math.PI, -1}, new double[] {Math.PI, 1});
    th = s[0];
    thDot = s[1];
    return obs();
  }

  @Override
  protected Step doStep(int unused, float[] action) {
    double u = Acrobot.clamp(action[0], -MAX_TORQUE, MAX_TORQUE);
    double a = angleNormalize(th);
    double cost = a * a + 0.1 * thDot * thDot + 0.001 * u * u;
    double newThDot = thDot + (3 * G / (2 * L) * Math.sin(th) + 3.0 / (M * L * L) * u) * DT;
    newThDot = Acrobot.clamp(newThDot, -MAX_SPEED, MAX_SPEED);
    th = th + newThDot * DT;
    thDot = newThDot;
    return new Step(obs(), -cost, false, false);
  }

  private static double angleNormalize(double x) {
    return ((x + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
  }

  private float[] obs() {
    return new float[] {(float) Math.cos(th), (float) Math.sin(th), (float) thDot};
  }
}

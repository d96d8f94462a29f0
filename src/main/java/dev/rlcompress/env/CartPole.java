package dev.rlcompress.env;

/**
 * CartPole-v1 with Gymnasium's constants: Euler integration at tau = 0.02 s, force 10 N, failure
 * beyond 12 degrees or 2.4 m, reward 1 on every step (including the terminating one), 500 steps.
 */
public final class CartPole extends FixedSpacesEnv {
  static final double GRAVITY = 9.8, MASS_CART = 1.0, MASS_POLE = 0.1, LENGTH = 0.5;
  static final double TOTAL_MASS = MASS_CART + MASS_POLE, POLEMASS_LENGTH = MASS_POLE * LENGTH;
  static final double FORCE_MAG = 10.0, TAU = 0.02;
  static final double THETA_LIMIT = 12 * 2 * Math.PI / 360, X_LIMIT = 2.4;

  private static final Space OBS =
      Space.Box.of(
          new float[] {-4.8f, Float.NEGATIVE_INFINITY, (float) (-THETA_LIMIT * 2), Float.NEGATIVE_INFINITY},
          new float[] {4.8f, Float.POSITIVE_INFINITY, (float) (THETA_LIMIT * 2), Float.POSITIVE_INFINITY});
  private static final Space ACT = new Space.Discrete(2);

  private double x, xDot, theta, thetaDot;

  public CartPole() {
    super("CartPole-v1", 500, 475.0, OBS, ACT);
  }

  /** The internal state in Gymnasium's order ({@code env.unwrapped.state}), for parity checks. */
  double[] state() {
    return new double[] {x, xDot, theta, thetaDot};
  }

  /** Sets the physical state directly; used by tests that pin dynamics to known transitions. */
  public void setState(double x, double xDot, double theta, double thetaDot) {
    this.x = x;
    this.xDot = xDot;
    this.theta = theta;
    this.thetaDot = thetaDot;
  }

  @Override
  protected float[] doReset() {
    double[] s = npRandom().uniform(-0.05, 0.05, 4); // Gymnasium: uniform(-0.05, 0.05, size=(4,))
    x = s[0];
    xDot = s[1];
    theta = s[2];
    thetaDot = s[3];
    return obs();
  }

  @Override
  protected Step doStep(int action, float[] unused) {
    double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
    double cos = Math.cos(theta), sin = Math.sin(theta);
    double temp = (force + POLEMASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sin - cos * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLEMASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    x += TAU * xDot;
    xDot += TAU * xAcc;
    theta += TAU * thetaDot;
    thetaDot += TAU * thetaAcc;
    boolean terminated = x < -X_LIMIT || x > X_LIMIT || theta < -THETA_LIMIT || theta > THETA_LIMIT;
    return new Step(obs(), 1.0, terminated, false);
  }

  private float[] obs() {
    return new float[] {(float) x, (float) xDot, (float) theta, (float) thetaDot};
  }
}

package dev.rlcompress.env;

/**
 * Acrobot-v1 as in Gymnasium: two unit links, torque in {-1, 0, +1} on the second joint, the "book"
 * dynamics (Sutton and Barto) integrated with one RK4 step of dt = 0.2 s, reward -1 per step until the
 * tip rises one link length above the base, 500 steps.
 */
public final class Acrobot extends FixedSpacesEnv {
  static final double DT = 0.2, L1 = 1.0, M1 = 1.0, M2 = 1.0, LC1 = 0.5, LC2 = 0.5, I1 = 1.0, I2 = 1.0;
  static final double MAX_VEL_1 = 4 * Math.PI, MAX_VEL_2 = 9 * Math.PI, G = 9.8;
  static final double[] TORQUES = {-1.0, 0.0, 1.0};

  private static final Space OBS =
      Space.Box.of(
          new float[] {-1, -1, -1, -1, (float) -MAX_VEL_1, (float) -MAX_VEL_2},
          new float[] {1, 1, 1, 1, (float) MAX_VEL_1, (float) MAX_VEL_2});
  private static final Space ACT = new Space.Discrete(3);

  private final double[] s = new double[4];

  public Acrobot() {
    super("Acrobot-v1", 500, -100.0, OBS, ACT);
  }

  /** The internal state in Gymnasium's order ({@code env.unwrapped.state}), for parity checks. */
  double[] state() {
    return s.clone();
  }

  /** Sets [theta1, theta2, dtheta1, dtheta2] directly; used by tests. */
  public void setState(double t1, double t2, double d1, double d2) {
    s[0] = t1;
    s[1] = t2;
    s[2] = d1;
    s[3] = d2;
  }

  @Override
  protected float[] doReset() {
    // Gymnasium: uniform(-0.1, 0.1, size=(4,)).astype(np.float32): the state starts in float precision
    double[] u = npRandom().uniform(-0.1, 0.1, 4);
    for (int i = 0; i < 4; i++) s[i] = (float) u[i];
    return obs();
  }

  @Override
  protected Step doStep(int action, float[] unused) {
    double a = TORQUES[action];
    double[] ns = rk4(s, a, DT);
    s[0] = wrap(ns[0]);
    s[1] = wrap(ns[1]);
    s[2] = clamp(ns[2], -MAX_VEL_1, MAX_VEL_1);
    s[3] = clamp(ns[3], -MAX_VEL_2, MAX_VEL_2);
    boolean terminal = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    return new Step(obs(), terminal ? 0.0 : -1.0, terminal, false);
  }

  private static double[] rk4(double[] y0, double a, double dt) {
    double[] k1 = dsdt(y0, a);
    double[] k2 = dsdt(axpy(y0, k1, dt / 2), a);
    double[] k3 = dsdt(axpy(y0, k2, dt / 2), a);
    double[] k4 = dsdt(axpy(y0, k3, dt), a);
    double[] out = new double[4];
    for (int i = 0; i < 4; i++) out[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    return out;
  }

  private static double[] axpy(double[] y, double[] k, double h) {
    double[] r = new double[4];
    for (int i = 0; i < 4; i++) r[i] = y[i] + h * k[i];
    return r;
  }

  private static double[] dsdt(double[] st, double a) {
    double t1 = st[0], t2 = st[1], dt1 = st[2], dt2 = st[3];
    double d1 = M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * Math.cos(t2)) + I1 + I2;
    double d2 = M2 * (LC2 * LC2 + L1 * LC2 * Math.cos(t2)) + I2;
    double phi2 = M2 * LC2 * G * Math.cos(t1 + t2 - Math.PI / 2.0);
    double phi1 =
        -M2 * L1 * LC2 * dt2 * dt2 * Math.sin(t2)
            - 2 * M2 * L1 * LC2 * dt2 * dt1 * Math.sin(t2)
            + (M1 * LC1 + M2 * L1) * G * Math.cos(t1 - Math.PI / 2)
            + phi2;
    double ddt2 =
        (a + d2 / d1 * phi1 - M2 * L1 * LC2 * dt1 * dt1 * Math.sin(t2) - phi2)
            / (M2 * LC2 * LC2 + I2 - d2 * d2 / d1);
    double ddt1 = -(d2 * ddt2 + phi1) / d1;
    return new double[] {dt1, dt2, ddt1, ddt2};
  }

  private static double wrap(double x) {
    double m = 2 * Math.PI;
    while (x > Math.PI) x -= m;
    while (x < -Math.PI) x += m;
    return x;
  }

  static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private float[] obs() {
    return new float[] {
      (float) Math.cos(s[0]), (float) Math.sin(s[0]), (float) Math.cos(s[1]), (float) Math.sin(s[1]),
      (float) s[2], (float) s[3]
    };
  }
}

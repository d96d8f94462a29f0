package dev.rlcompress.env;

/**
 * MountainCar-v0 and MountainCarContinuous-v0 with Gymnasium's constants. One class because both share
 * the track; they differ only in the action space, the engine and the reward.
 */
public final class MountainCar extends FixedSpacesEnv {
  static final double MIN_POS = -1.2, MAX_POS = 0.6, MAX_SPEED = 0.07;
  static final double FORCE = 0.001, GRAVITY = 0.0025, POWER = 0.0015;

  private final boolean continuous;
  private final double goalPosition;
  private double position, velocity;

  private MountainCar(boolean continuous) {
    super(continuous ? "MountainCarContinuous-v0" : "MountainCar-v0", continuous ? 999 : 200,
        continuous ? 90.0 : -110.0,
        Space.Box.of(new float[] {(float) MIN_POS, (float) -MAX_SPEED}, new float[] {(float) MAX_POS, (float) MAX_SPEED}),
        continuous ? Space.Box.uniform(1, -1f, 1f) : new Space.Discrete(3));
    this.continuous = continuous;
    this.goalPosition = continuous ? 0.45 : 0.5;
  }

  public static MountainCar discrete() {
    return new MountainCar(false);
  }

  public static MountainCar continuous() {
    return new MountainCar(true);
  }

  /** The internal state in Gymnasium's order ({@code env.unwrapped.state}), for parity checks. */
  double[] state() {
    return new double[] {position, velocity};
  }

  /** Sets position and velocity directly; used by tests. */
  public void setState(double position, double velocity) {
    this.position = position;
    this.velocity = velocity;
  }

  @Override
  protected float[] doReset() {
    position = npRandom().uniform(-0.6, -0.4);
    velocity = 0.0;
    return observation();
  }

  @Override
  protected Step doStep(int action, float[] cont) {
    double force = 0;
    if (continuous) {
      force = Math.min(Math.max(cont[0], -1.0), 1.0);
      velocity += force * POWER - GRAVITY * Math.cos(3 * position);
    } else {
      velocity += (action - 1) * FORCE + Math.cos(3 * position) * (-GRAVITY);
    }
    velocity = Acrobot.clamp(velocity, -MAX_SPEED, MAX_SPEED);
    position = Acrobot.clamp(position + velocity, MIN_POS, MAX_POS);
    if (position == MIN_POS && velocity < 0) velocity = 0;
    boolean terminated = position >= goalPosition && velocity >= 0;
    double reward;
    if (continuous) {
      // Gymnasium squares the raw (unclipped) action for the control cost.
      reward = (terminated ? 100.0 : 0.0) - 0.1 * cont[0] * (double) cont[0];
    } else {
      reward = -1.0;
    }
    return new Step(observation(), reward, terminated, false);
  }

  private float[] observation() {
    return new float[] {(float) position, (float) velocity};
  }
}

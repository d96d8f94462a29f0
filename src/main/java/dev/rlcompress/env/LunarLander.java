package dev.rlcompress.env;

import org.jbox2d.callbacks.ContactImpulse;
import org.jbox2d.callbacks.ContactListener;
import org.jbox2d.collision.Manifold;
import org.jbox2d.collision.shapes.EdgeShape;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.Contact;
import dev.rlcompress.util.UserError;
import org.jbox2d.dynamics.joints.RevoluteJointDef;

/**
 * LunarLander-v3 (discrete) and LunarLanderContinuous-v3 on jbox2d, following Gymnasium's
 * lunar_lander.py: same world constants (FPS 50, SCALE 30, engine powers 13 and 0.6, lander polygon,
 * legs with spring motors), the same fixtures (density, friction, restitution, collision bits; where
 * Gymnasium leaves Box2D's defaults, so does this class), random terrain of 11 chunks with a flat
 * helipad, a random initial push of up to 1000 N, the shaping reward (distance, speed, tilt, leg
 * contact) with engine costs 0.3 and 0.03 per frame, -100 for a crash or leaving the screen, +100 when
 * the lander comes to rest, 1000 steps. Gymnasium's constructor options ({@link Config}) are env
 * options: {@code LunarLander-v3[enable_wind=true,wind_power=15]}.
 *
 * <p>The random draws are Gymnasium's, in its order, from NumPy's generator: a seed gives Gymnasium's
 * terrain, initial force and wind phase exactly. The physics is jbox2d (Box2D 2.2) where Gymnasium
 * runs pybox2d (Box2D 2.3), so trajectories drift apart over an episode; the task is the same.
 */
public final class LunarLander extends FixedSpacesEnv {
  // Constants from Gymnasium's lunar_lander.py.
  static final double FPS = 50, SCALE = 30.0;
  static final double MAIN_ENGINE_POWER = 13.0, SIDE_ENGINE_POWER = 0.6, INITIAL_RANDOM = 1000.0;
  static final float[][] LANDER_POLY = {{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}};
  static final double LEG_AWAY = 20, LEG_DOWN = 18, LEG_W = 2, LEG_H = 8, LEG_SPRING_TORQUE = 40;
  static final double SIDE_ENGINE_HEIGHT = 14, SIDE_ENGINE_AWAY = 12, MAIN_ENGINE_Y_LOCATION = 4;
  static final double VIEWPORT_W = 600, VIEWPORT_H = 400;
  static final int CHUNKS = 11;
  // Fixture properties Gymnasium sets explicitly (the rest stay at Box2D's defaults, e.g. friction 0.2).
  static final float TERRAIN_FRICTION = 0.1f, LANDER_FRICTION = 0.1f, LANDER_DENSITY = 5f, LEG_DENSITY = 1f;
  static final int GROUND_BITS = 0x0001, LANDER_BITS = 0x0010, LEG_BITS = 0x0020;

  /**
   * Gymnasium's constructor arguments. gravity must lie in (-12, 0) (Gymnasium asserts it); wind and
   * turbulence powers are recommended within [0, 20] and [0, 2] (Gymnasium only warns outside, so
   * any finite value is taken) and act only with enable_wind.
   */
  public record Config(boolean continuous, double gravity, boolean enableWind, double windPower, double turbulencePower) {
    public Config {
      if (!(gravity > -12.0 && gravity < 0.0))
        throw new UserError("LunarLander option gravity must be in (-12, 0) (exclusive), got " + gravity);
      if (!Double.isFinite(windPower) || !Double.isFinite(turbulencePower))
        throw new UserError("LunarLander wind_power and turbulence_power must be finite numbers");
    }

    /** Gymnasium's defaults: gravity -10, no wind (wind 15 and turbulence 1.5 when enabled). */
    public static Config defaults(boolean continuous) {
      return new Config(continuous, -10.0, false, 15.0, 1.5);
    }

    /** Reads the options of a spec: continuous, gravity, enable_wind, wind_power, turbulence_power. */
    public static Config of(EnvOptions o, boolean continuousDefault) {
      Config d = defaults(continuousDefault);
      return new Config(
          o.flag("continuous", d.continuous),
          o.finite("gravity", d.gravity),
          o.flag("enable_wind", d.enableWind),
          o.finite("wind_power", d.windPower),
          o.finite("turbulence_power", d.turbulencePower));
    }
  }

  private static final Space OBS =
      Space.Box.of(
          new float[] {-2.5f, -2.5f, -10f, -10f, (float) (-2 * Math.PI), -10f, 0f, 0f},
          new float[] {2.5f, 2.5f, 10f, 10f, (float) (2 * Math.PI), 10f, 1f, 1f});

  private final Config config;
  private final boolean continuous;

  private World world;
  private Body moon, lander;
  private final Body[] legs = new Body[2];
  private final boolean[] legContact = new boolean[2];
  private boolean gameOver;
  private double prevShaping;
  private boolean hasPrevShaping;
  private double helipadY;
  private double[] initialForce;
  private long windIdx, torqueIdx;

  public LunarLander(String id, Config config) {
    super(id, 1000, 200.0, OBS, config.continuous() ? Space.Box.uniform(2, -1f, 1f) : new Space.Discrete(4));
    this.config = config;
    this.continuous = config.continuous();
  }

  public static LunarLander discrete() {
    return new LunarLander("LunarLander-v3", Config.defaults(false));
  }

  public static LunarLander continuous() {
    return new LunarLander("LunarLanderContinuous-v3", Config.defaults(true));
  }

  public Config config() {
    return config;
  }

  @Override
  protected float[] doReset() {
    world = new World(new Vec2(0, (float) config.gravity()));
    gameOver = false;
    hasPrevShaping = false;
    legContact[0] = legContact[1] = false;
    double w = VIEWPORT_W / SCALE, h = VIEWPORT_H / SCALE;

    // Terrain: random chunk heights, flattened under the helipad, then smoothed (in double, as
    // Gymnasium computes it; Box2D receives the vertices as floats).
    double[] height = npRandom().uniform(0, h / 2, CHUNKS + 1);
    double[] chunkX = new double[CHUNKS];
    for (int i = 0; i < CHUNKS; i++) chunkX[i] = w / (CHUNKS - 1) * i;
    helipadY = h / 4;
    for (int i = CHUNKS / 2 - 2; i <= CHUNKS / 2 + 2; i++) height[i] = helipadY;
    double[] smoothY = new double[CHUNKS];
    for (int i = 0; i < CHUNKS; i++)
      smoothY[i] = 0.33 * (height[i == 0 ? CHUNKS : i - 1] + height[i] + height[i + 1]);

    moon = world.createBody(new BodyDef());
    moon.createFixture(edge(0, 0, w, 0)); // Gymnasium gives the floor no fixture settings: Box2D's defaults
    for (int i = 0; i < CHUNKS - 1; i++) {
      FixtureDef fd = edge(chunkX[i], smoothY[i], chunkX[i + 1], smoothY[i + 1]);
      fd.density = 0;
      fd.friction = TERRAIN_FRICTION;
      moon.createFixture(fd);
    }

    float initialY = (float) (VIEWPORT_H / SCALE), initialX = (float) (VIEWPORT_W / SCALE / 2);
    BodyDef ld = new BodyDef();
    ld.type = BodyType.DYNAMIC;
    ld.position.set(initialX, initialY);
    lander = world.createBody(ld);
    Vec2[] verts = new Vec2[LANDER_POLY.length];
    for (int i = 0; i < verts.length; i++)
      verts[i] = new Vec2((float) (LANDER_POLY[i][0] / SCALE), (float) (LANDER_POLY[i][1] / SCALE));
    PolygonShape landerShape = new PolygonShape();
    landerShape.set(verts, verts.length);
    FixtureDef lf = fixture(landerShape, LANDER_DENSITY, LANDER_BITS);
    lf.friction = LANDER_FRICTION;
    lander.createFixture(lf);
    initialForce = new double[] {
      npRandom().uniform(-INITIAL_RANDOM, INITIAL_RANDOM), npRandom().uniform(-INITIAL_RANDOM, INITIAL_RANDOM)
    };
    lander.applyForceToCenter(new Vec2((float) initialForce[0], (float) initialForce[1]));

    if (config.enableWind()) {
      windIdx = npRandom().integers(-9999, 9999);
      torqueIdx = npRandom().integers(-9999, 9999);
    }

    for (int k = 0; k < 2; k++) {
      int i = k == 0 ? -1 : 1;
      BodyDef bd = new BodyDef();
      bd.type = BodyType.DYNAMIC;
      bd.position.set((float) (initialX - i * LEG_AWAY / SCALE), initialY);
      bd.angle = (float) (i * 0.05);
      Body leg = world.createBody(bd);
      PolygonShape box = new PolygonShape();
      box.setAsBox((float) (LEG_W / SCALE), (float) (LEG_H / SCALE));
      leg.createFixture(fixture(box, LEG_DENSITY, LEG_BITS)); // friction left at Box2D's default, as Gymnasium does
      RevoluteJointDef rjd = new RevoluteJointDef();
      rjd.bodyA = lander;
      rjd.bodyB = leg;
      rjd.localAnchorA.set(0, 0);
      rjd.localAnchorB.set((float) (i * LEG_AWAY / SCALE), (float) (LEG_DOWN / SCALE));
      rjd.enableMotor = true;
      rjd.enableLimit = true;
      rjd.maxMotorTorque = (float) LEG_SPRING_TORQUE;
      rjd.motorSpeed = (float) (0.3 * i);
      if (i == -1) {
        rjd.lowerAngle = (float) (0.9 - 0.5);
        rjd.upperAngle = 0.9f;
      } else {
        rjd.lowerAngle = -0.9f;
        rjd.upperAngle = (float) (-0.9 + 0.5);
      }
      world.createJoint(rjd);
      legs[k] = leg;
    }
    world.setContactListener(new Contacts());
    // Gymnasium's reset ends with one no-op step, which also initializes the shaping baseline.
    return physicsStep(0, continuous ? new float[] {0, 0} : null).observation();
  }

  private static FixtureDef edge(double x1, double y1, double x2, double y2) {
    EdgeShape e = new EdgeShape();
    e.set(new Vec2((float) x1, (float) y1), new Vec2((float) x2, (float) y2));
    FixtureDef fd = new FixtureDef();
    fd.shape = e;
    return fd;
  }

  /** A body part that collides only with the ground; restitution 0 as Gymnasium sets it. */
  private static FixtureDef fixture(org.jbox2d.collision.shapes.Shape shape, float density, int category) {
    FixtureDef fd = new FixtureDef();
    fd.shape = shape;
    fd.density = density;
    fd.restitution = 0f;
    fd.filter.categoryBits = category;
    fd.filter.maskBits = GROUND_BITS;
    return fd;
  }

  // For the parity tests: the world as built, and the draws Gymnasium's reset makes.
  World world() {
    return world;
  }

  Body moon() {
    return moon;
  }

  Body lander() {
    return lander;
  }

  Body leg(int i) {
    return legs[i];
  }

  double[] initialForce() {
    return initialForce.clone();
  }

  long windIdx() {
    return windIdx;
  }

  long torqueIdx() {
    return torqueIdx;
  }

  @Override
  protected Step doStep(int action, float[] cont) {
    return physicsStep(action, cont);
  }

  private Step physicsStep(int action, float[] cont) {
    if (config.enableWind() && !(legContact[0] || legContact[1])) {
      // tanh(sin(2k x) + sin(pi k x)), k = 0.01: never periodic (Gymnasium's comment)
      double windMag = Math.tanh(Math.sin(0.02 * windIdx) + Math.sin(Math.PI * 0.01 * windIdx)) * config.windPower();
      windIdx++;
      lander.applyForceToCenter(new Vec2((float) windMag, 0f));
      double torqueMag =
          Math.tanh(Math.sin(0.02 * torqueIdx) + Math.sin(Math.PI * 0.01 * torqueIdx)) * config.turbulencePower();
      torqueIdx++;
      lander.applyTorque((float) torqueMag);
    }
    double[] a = null;
    if (continuous) a = new double[] {Math.max(-1.0, Math.min(1.0, cont[0])), Math.max(-1.0, Math.min(1.0, cont[1]))};
    double angle = lander.getAngle();
    double tipX = Math.sin(angle), tipY = Math.cos(angle);
    double sideX = -tipY, sideY = tipX;
    double disp0 = npRandom().uniform(-1.0, 1.0) / SCALE;
    double disp1 = npRandom().uniform(-1.0, 1.0) / SCALE;

    double mPower = 0;
    if ((continuous && a[0] > 0.0) || (!continuous && action == 2)) {
      mPower = continuous ? (Math.max(0.0, Math.min(1.0, a[0])) + 1.0) * 0.5 : 1.0;
      double ox = tipX * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) + sideX * disp1;
      double oy = -tipY * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) - sideY * disp1;
      Vec2 pos = lander.getPosition();
      impulse(-ox * MAIN_ENGINE_POWER * mPower, -oy * MAIN_ENGINE_POWER * mPower, pos.x + ox, pos.y + oy);
    }
    double sPower = 0;
    if ((continuous && Math.abs(a[1]) > 0.5) || (!continuous && (action == 1 || action == 3))) {
      double direction;
      if (continuous) {
        direction = Math.signum(a[1]);
        sPower = Math.max(0.5, Math.min(1.0, Math.abs(a[1])));
      } else {
        direction = action - 2;
        sPower = 1.0;
      }
      double ox = tipX * disp0 + sideX * (3 * disp1 + direction * SIDE_ENGINE_AWAY / SCALE);
      double oy = -tipY * disp0 - sideY * (3 * disp1 + direction * SIDE_ENGINE_AWAY / SCALE);
      Vec2 pos = lander.getPosition();
      // 17 rather than SIDE_ENGINE_HEIGHT in x: as Gymnasium has it
      impulse(-ox * SIDE_ENGINE_POWER * sPower, -oy * SIDE_ENGINE_POWER * sPower,
          pos.x + ox - tipX * 17 / SCALE, pos.y + oy + tipY * SIDE_ENGINE_HEIGHT / SCALE);
    }

    world.step((float) (1.0 / FPS), 6 * 30, 2 * 30);

    Vec2 pos = lander.getPosition();
    Vec2 vel = lander.getLinearVelocity();
    double halfW = VIEWPORT_W / SCALE / 2, halfH = VIEWPORT_H / SCALE / 2;
    double[] state = {
      (pos.x - halfW) / halfW,
      (pos.y - (helipadY + LEG_DOWN / SCALE)) / halfH,
      vel.x * halfW / FPS,
      vel.y * halfH / FPS,
      lander.getAngle(),
      20.0 * lander.getAngularVelocity() / FPS,
      legContact[0] ? 1.0 : 0.0,
      legContact[1] ? 1.0 : 0.0
    };
    double shaping = shaping(state);
    double reward = hasPrevShaping ? shaping - prevShaping : 0.0;
    prevShaping = shaping;
    hasPrevShaping = true;
    reward -= mPower * 0.30;
    reward -= sPower * 0.03;

    boolean terminated = false;
    if (gameOver || Math.abs(state[0]) >= 1.0) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
    }
    float[] s = new float[state.length];
    for (int i = 0; i < s.length; i++) s[i] = (float) state[i];
    return new Step(s, reward, terminated, false);
  }

  private void impulse(double ix, double iy, double atX, double atY) {
    lander.applyLinearImpulse(new Vec2((float) ix, (float) iy), new Vec2((float) atX, (float) atY));
  }

  /** Gymnasium's potential: closer, slower, more level and legs down is better. */
  static double shaping(double[] s) {
    return -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1])
        - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3])
        - 100 * Math.abs(s[4])
        + 10 * s[6]
        + 10 * s[7];
  }

  /** The potential of an observation (floats, as an agent sees it). */
  static double shaping(float[] o) {
    double[] s = new double[o.length];
    for (int i = 0; i < s.length; i++) s[i] = o[i];
    return shaping(s);
  }

  private final class Contacts implements ContactListener {
    @Override
    public void beginContact(Contact c) {
      Body a = c.getFixtureA().getBody(), b = c.getFixtureB().getBody();
      if (a == lander || b == lander) gameOver = true;
      for (int i = 0; i < 2; i++) if (a == legs[i] || b == legs[i]) legContact[i] = true;
    }

    @Override
    public void endContact(Contact c) {
      Body a = c.getFixtureA().getBody(), b = c.getFixtureB().getBody();
      for (int i = 0; i < 2; i++) if (a == legs[i] || b == legs[i]) legContact[i] = false;
    }

    @Override
    public void preSolve(Contact c, Manifold m) {}

    @Override
    public void postSolve(Contact c, ContactImpulse i) {}
  }
}

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
import org.jbox2d.dynamics.joints.RevoluteJointDef;

/**
 * LunarLander-v3 (discrete) and LunarLanderContinuous-v3 on jbox2d, following Gymnasium's documented
 * semantics: same world constants (FPS 50, SCALE 30, engine powers 13 and 0.6, lander polygon, legs
 * with spring motors), random terrain of 11 chunks with a flat helipad, a random initial push of up to
 * 1000 N, the shaping reward (distance, speed, tilt, leg contact) with engine costs 0.3 and 0.03 per
 * frame, -100 for a crash or leaving the screen, +100 when the lander comes to rest, 1000 steps.
 * Wind and turbulence are off unless requested.
 *
 * <p>Gymnasium runs on pybox2d (Box2D 2.3) and numpy's PCG64; this class uses jbox2d (Box2D 2.2) and
 * a Java generator, so episodes are not bit-identical to Gymnasium's, but the task is the same.
 */
public final class LunarLander extends AbstractEnv {
  // Constants from Gymnasium's lunar_lander.py.
  static final float FPS = 50f, SCALE = 30f;
  static final float MAIN_ENGINE_POWER = 13f, SIDE_ENGINE_POWER = 0.6f, INITIAL_RANDOM = 1000f;
  static final float[][] LANDER_POLY = {{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}};
  static final float LEG_AWAY = 20, LEG_DOWN = 18, LEG_W = 2, LEG_H = 8, LEG_SPRING_TORQUE = 40;
  static final float SIDE_ENGINE_HEIGHT = 14, SIDE_ENGINE_AWAY = 12, MAIN_ENGINE_Y_LOCATION = 4;
  static final float VIEWPORT_W = 600, VIEWPORT_H = 400;
  static final int CHUNKS = 11;
  static final float GRAVITY = -10f, WIND_POWER = 15f, TURBULENCE_POWER = 1.5f;

  private static final Space OBS =
      Space.Box.of(
          new float[] {-2.5f, -2.5f, -10f, -10f, (float) (-2 * Math.PI), -10f, 0f, 0f},
          new float[] {2.5f, 2.5f, 10f, 10f, (float) (2 * Math.PI), 10f, 1f, 1f});

  private final boolean continuous;
  private final boolean enableWind;
  private final Space act;

  private World world;
  private Body lander;
  private final Body[] legs = new Body[2];
  private final boolean[] legContact = new boolean[2];
  private boolean gameOver;
  private double prevShaping;
  private boolean hasPrevShaping;
  private float helipadY;
  private int windIdx, torqueIdx;

  private LunarLander(boolean continuous, boolean enableWind) {
    super(continuous ? "LunarLanderContinuous-v3" : "LunarLander-v3", 1000, 200.0);
    this.continuous = continuous;
    this.enableWind = enableWind;
    this.act = continuous ? Space.Box.uniform(2, -1f, 1f) : new Space.Discrete(4);
  }

  public static LunarLander discrete() {
    return new LunarLander(false, false);
  }

  public static LunarLander continuous() {
    return new LunarLander(true, false);
  }

  /** With Gymnasium's default wind (15) and turbulence (1.5) powers. */
  public static LunarLander withWind(boolean continuous) {
    return new LunarLander(continuous, true);
  }

  @Override
  public Space observationSpace() {
    return OBS;
  }

  @Override
  public Space actionSpace() {
    return act;
  }

  @Override
  protected float[] doReset() {
    world = new World(new Vec2(0, GRAVITY));
    gameOver = false;
    hasPrevShaping = false;
    legContact[0] = legContact[1] = false;
    float w = VIEWPORT_W / SCALE, h = VIEWPORT_H / SCALE;

    // Terrain: random chunk heights, flattened under the helipad, then smoothed.
    float[] height = new float[CHUNKS + 1];
    for (int i = 0; i <= CHUNKS; i++) height[i] = (float) uniform(0, h / 2);
    float[] chunkX = new float[CHUNKS];
    for (int i = 0; i < CHUNKS; i++) chunkX[i] = w / (CHUNKS - 1) * i;
    helipadY = h / 4;
    for (int i = CHUNKS / 2 - 2; i <= CHUNKS / 2 + 2; i++) height[i] = helipadY;
    float[] smoothY = new float[CHUNKS];
    for (int i = 0; i < CHUNKS; i++)
      smoothY[i] = 0.33f * (height[i == 0 ? CHUNKS : i - 1] + height[i] + height[i + 1]);

    Body moon = world.createBody(new BodyDef());
    addEdge(moon, new Vec2(0, 0), new Vec2(w, 0));
    for (int i = 0; i < CHUNKS - 1; i++)
      addEdge(moon, new Vec2(chunkX[i], smoothY[i]), new Vec2(chunkX[i + 1], smoothY[i + 1]));

    float initialY = VIEWPORT_H / SCALE, initialX = VIEWPORT_W / SCALE / 2;
    BodyDef ld = new BodyDef();
    ld.type = BodyType.DYNAMIC;
    ld.position.set(initialX, initialY);
    lander = world.createBody(ld);
    Vec2[] verts = new Vec2[LANDER_POLY.length];
    for (int i = 0; i < verts.length; i++)
      verts[i] = new Vec2(LANDER_POLY[i][0] / SCALE, LANDER_POLY[i][1] / SCALE);
    PolygonShape landerShape = new PolygonShape();
    landerShape.set(verts, verts.length);
    lander.createFixture(fixture(landerShape, 5f, 0x0010));
    lander.applyForceToCenter(
        new Vec2((float) uniform(-INITIAL_RANDOM, INITIAL_RANDOM), (float) uniform(-INITIAL_RANDOM, INITIAL_RANDOM)));

    if (enableWind) {
      windIdx = rng.nextInt(-9999, 9999);
      torqueIdx = rng.nextInt(-9999, 9999);
    }

    for (int k = 0; k < 2; k++) {
      int i = k == 0 ? -1 : 1;
      BodyDef bd = new BodyDef();
      bd.type = BodyType.DYNAMIC;
      bd.position.set(initialX - i * LEG_AWAY / SCALE, initialY);
      bd.angle = i * 0.05f;
      Body leg = world.createBody(bd);
      PolygonShape box = new PolygonShape();
      box.setAsBox(LEG_W / SCALE, LEG_H / SCALE);
      leg.createFixture(fixture(box, 1f, 0x0020));
      RevoluteJointDef rjd = new RevoluteJointDef();
      rjd.bodyA = lander;
      rjd.bodyB = leg;
      rjd.localAnchorA.set(0, 0);
      rjd.localAnchorB.set(i * LEG_AWAY / SCALE, LEG_DOWN / SCALE);
      rjd.enableMotor = true;
      rjd.enableLimit = true;
      rjd.maxMotorTorque = LEG_SPRING_TORQUE;
      rjd.motorSpeed = 0.3f * i;
      if (i == -1) {
        rjd.lowerAngle = 0.9f - 0.5f;
        rjd.upperAngle = 0.9f;
      } else {
        rjd.lowerAngle = -0.9f;
        rjd.upperAngle = -0.9f + 0.5f;
      }
      world.createJoint(rjd);
      legs[k] = leg;
    }
    world.setContactListener(new Contacts());
    // Gymnasium's reset ends with one no-op step, which also initializes the shaping baseline.
    return physicsStep(0, continuous ? new float[] {0, 0} : null).observation();
  }

  private static void addEdge(Body body, Vec2 a, Vec2 b) {
    EdgeShape e = new EdgeShape();
    e.set(a, b);
    FixtureDef fd = new FixtureDef();
    fd.shape = e;
    fd.density = 0;
    fd.friction = 0.1f;
    body.createFixture(fd);
  }

  private static FixtureDef fixture(org.jbox2d.collision.shapes.Shape shape, float density, int category) {
    FixtureDef fd = new FixtureDef();
    fd.shape = shape;
    fd.density = density;
    fd.friction = 0.1f;
    fd.restitution = 0f;
    fd.filter.categoryBits = category;
    fd.filter.maskBits = 0x001;
    return fd;
  }

  @Override
  protected Step doStep(int action, float[] cont) {
    return physicsStep(action, cont);
  }

  private Step physicsStep(int action, float[] cont) {
    if (enableWind && !(legContact[0] || legContact[1])) {
      double windMag =
          Math.tanh(Math.sin(0.02 * windIdx) + Math.sin(Math.PI * 0.01 * windIdx)) * WIND_POWER;
      windIdx++;
      lander.applyForceToCenter(new Vec2((float) windMag, 0f));
      double torqueMag =
          Math.tanh(Math.sin(0.02 * torqueIdx) + Math.sin(Math.PI * 0.01 * torqueIdx)) * TURBULENCE_POWER;
      torqueIdx++;
      lander.applyTorque((float) torqueMag);
    }
    float[] a = null;
    if (continuous) {
      a = new float[] {Math.max(-1f, Math.min(1f, cont[0])), Math.max(-1f, Math.min(1f, cont[1]))};
    }
    float angle = lander.getAngle();
    float tipX = (float) Math.sin(angle), tipY = (float) Math.cos(angle);
    float sideX = -tipY, sideY = tipX;
    float disp0 = (float) uniform(-1.0, 1.0) / SCALE;
    float disp1 = (float) uniform(-1.0, 1.0) / SCALE;

    double mPower = 0;
    if ((continuous && a[0] > 0f) || (!continuous && action == 2)) {
      mPower = continuous ? (Math.max(0f, Math.min(1f, a[0])) + 1.0) * 0.5 : 1.0;
      float ox = tipX * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) + sideX * disp1;
      float oy = -tipY * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) - sideY * disp1;
      Vec2 pos = lander.getPosition();
      Vec2 at = new Vec2(pos.x + ox, pos.y + oy);
      lander.applyLinearImpulse(
          new Vec2((float) (-ox * MAIN_ENGINE_POWER * mPower), (float) (-oy * MAIN_ENGINE_POWER * mPower)), at);
    }
    double sPower = 0;
    if ((continuous && Math.abs(a[1]) > 0.5f) || (!continuous && (action == 1 || action == 3))) {
      float direction;
      if (continuous) {
        direction = Math.signum(a[1]);
        sPower = Math.max(0.5f, Math.min(1f, Math.abs(a[1])));
      } else {
        direction = action - 2;
        sPower = 1.0;
      }
      float ox = tipX * disp0 + sideX * (3 * disp1 + direction * SIDE_ENGINE_AWAY / SCALE);
      float oy = -tipY * disp0 - sideY * (3 * disp1 + direction * SIDE_ENGINE_AWAY / SCALE);
      Vec2 pos = lander.getPosition();
      Vec2 at = new Vec2(pos.x + ox - tipX * 17 / SCALE, pos.y + oy + tipY * SIDE_ENGINE_HEIGHT / SCALE);
      lander.applyLinearImpulse(
          new Vec2((float) (-ox * SIDE_ENGINE_POWER * sPower), (float) (-oy * SIDE_ENGINE_POWER * sPower)), at);
    }

    world.step(1f / FPS, 6 * 30, 2 * 30);

    Vec2 pos = lander.getPosition();
    Vec2 vel = lander.getLinearVelocity();
    float halfW = VIEWPORT_W / SCALE / 2, halfH = VIEWPORT_H / SCALE / 2;
    float[] s = {
      (pos.x - halfW) / halfW,
      (pos.y - (helipadY + LEG_DOWN / SCALE)) / halfH,
      vel.x * halfW / FPS,
      vel.y * halfH / FPS,
      lander.getAngle(),
      20f * lander.getAngularVelocity() / FPS,
      legContact[0] ? 1f : 0f,
      legContact[1] ? 1f : 0f
    };
    double shaping = shaping(s);
    double reward = hasPrevShaping ? shaping - prevShaping : 0.0;
    prevShaping = shaping;
    hasPrevShaping = true;
    reward -= mPower * 0.30;
    reward -= sPower * 0.03;

    boolean terminated = false;
    if (gameOver || Math.abs(s[0]) >= 1.0f) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
    }
    return new Step(s, reward, terminated, false);
  }

  /** Gymnasium's potential: closer, slower, more level and legs down is better. */
  static double shaping(float[] s) {
    return -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1])
        - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3])
        - 100 * Math.abs(s[4])
        + 10 * s[6]
        + 10 * s[7];
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

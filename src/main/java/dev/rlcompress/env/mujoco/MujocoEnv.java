package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.AbstractEnv;
import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.mujoco.MjSim.DataArray;
import dev.rlcompress.env.python.PythonEnv;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * What every Gymnasium MuJoCo task shares (Gymnasium 1.3's {@code MujocoEnv}): the model loaded from
 * Gymnasium's own task file, the frame skip, the reset (mj_resetData, then the task's noisy start
 * state through {@link #setState}), the action written unclipped to {@code ctrl} (MuJoCo clamps it to
 * the actuator range itself, as in Gymnasium), the time limit and the action space from the actuator
 * control ranges. A task implements only its observation, reward and termination.
 *
 * <p>Observations are computed in double precision, as Gymnasium's float64 arrays; {@link Step} carries
 * them as float, {@link #observation64()} gives the doubles. MuJoCo warnings (bad qpos/qvel/qacc: an
 * unstable simulation, which MuJoCo answers by resetting the state) are reported in the step's info as
 * {@code mujoco_warning_<name>} counts and kept in {@link #warnings()}; Gymnasium drops them silently.
 */
public abstract class MujocoEnv extends AbstractEnv {
  private static final System.Logger LOG = System.getLogger(MujocoEnv.class.getName());
  private static final int KEPT_WARNINGS = 100;

  /** The fixed facts of a task. {@code postConstraint}: the task reads cfrc_ext (needs mj_rnePostConstraint). */
  protected record Spec(String id, String xmlFile, int frameSkip, int maxEpisodeSteps, double successThreshold, boolean postConstraint) {}

  protected final MjSim sim;
  /** Gymnasium's {@code init_qpos}/{@code init_qvel}: the state of freshly made data. */
  protected final double[] initQpos, initQvel;
  protected final int frameSkip;
  /** Seconds per environment step: timestep × frame skip (Gymnasium's {@code dt}). */
  protected final double dt;
  protected final boolean v5;
  protected final MemorySegment qpos, qvel;
  private final boolean postConstraint;
  private final Space actionSpace;
  private final ArrayDeque<String> warnings = new ArrayDeque<>();
  private Space observationSpace;
  private double[] observation;

  protected MujocoEnv(Spec spec) {
    super(spec.id(), spec.maxEpisodeSteps(), spec.successThreshold());
    sim = new MjSim(PythonEnv.get().gymnasiumMujocoAssets().resolve(spec.xmlFile()));
    frameSkip = spec.frameSkip();
    dt = sim.timestep() * frameSkip;
    v5 = spec.id().endsWith("-v5");
    postConstraint = spec.postConstraint();
    qpos = sim.array(DataArray.QPOS);
    qvel = sim.array(DataArray.QVEL);
    initQpos = sim.copy(DataArray.QPOS);
    initQvel = sim.copy(DataArray.QVEL);
    double[] range = sim.actuatorCtrlRange();
    float[] lo = new float[sim.nu()], hi = new float[sim.nu()];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = (float) range[2 * i];
      hi[i] = (float) range[2 * i + 1];
    }
    actionSpace = Space.Box.of(lo, hi);
  }

  /** Reads the v5 frame-skip option ({@code frame_skip}); v4 tasks have a fixed one. */
  protected static int frameSkip(EnvOptions o, boolean v5, int def) {
    return v5 ? o.integer("frame_skip", def, 1, 1000) : def;
  }

  /** A real-valued option (weights, scales) with its Gymnasium default. */
  protected static double number(EnvOptions o, String key, double def) {
    return o.number(key, def, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** The {@code reset_noise_scale} option. */
  protected static double noiseScale(EnvOptions o, double def) {
    return o.number("reset_noise_scale", def, 0, Double.POSITIVE_INFINITY);
  }

  @Override
  public final Space observationSpace() {
    if (observationSpace == null) observationSpace = Space.Box.uniform(observe().length, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    return observationSpace;
  }

  @Override
  public final Space actionSpace() {
    return actionSpace;
  }

  /**
   * The task's observation of the current state, in double precision. The default is the plainest of
   * Gymnasium's (HalfCheetah, Swimmer, InvertedPendulum): qpos without its first
   * {@link #hiddenPositions()} entries, then qvel.
   */
  protected double[] observe() {
    return Obs.ofState(sim, hiddenPositions()).done();
  }

  /** How many leading qpos entries (the root's x, or x and y) the default observation leaves out. */
  protected int hiddenPositions() {
    return 0;
  }

  /**
   * One environment step: the task calls {@link #simulate} once and returns {@link #result}. Measures
   * taken before the simulation (positions for velocities) are the task's own locals.
   */
  protected abstract Step taskStep(float[] action);

  /**
   * The task's start state from the initial one plus noise; the default is Gymnasium's most common:
   * uniform in ±scale on every qpos and qvel.
   */
  protected void resetModel() {
    double s = resetNoiseScale();
    setState(plus(initQpos, uniformNoise(sim.nq(), -s, s)), plus(initQvel, uniformNoise(sim.nv(), -s, s)));
  }

  /** The other common reset: qpos uniform ±scale, qvel scale × standard normal (HalfCheetah, Ant, InvertedDoublePendulum). */
  protected final void resetNormalVelocities(double scale) {
    double[] q = plus(initQpos, uniformNoise(sim.nq(), -scale, scale)); // qpos drawn first, as Gymnasium
    setState(q, plus(initQvel, scaled(scale, normalNoise(sim.nv()))));
  }

  /** The reset-noise scale of tasks that use the default {@link #resetModel()}. */
  protected double resetNoiseScale() {
    throw new UnsupportedOperationException(id() + " defines its own reset");
  }

  @Override
  protected final float[] doReset() {
    sim.reset();
    resetModel();
    return toFloat(observation = observe());
  }

  @Override
  protected final Step doStep(int unused, float[] action) {
    return taskStep(action);
  }

  /** Writes the action to ctrl and advances frame-skip MuJoCo steps; records warnings into {@code info}. */
  protected final void simulate(float[] action, Map<String, Double> info) {
    MemorySegment ctrl = sim.array(DataArray.CTRL);
    for (int i = 0; i < action.length; i++) ctrl.setAtIndex(ValueLayout.JAVA_DOUBLE, i, action[i]);
    MjSim.Warnings w = sim.step(frameSkip, postConstraint);
    if (w == null) return;
    w.counts().forEach((name, n) -> info.put("mujoco_warning_" + name, n.doubleValue()));
    String line = id() + ": MuJoCo warning " + w.counts() + " at t=" + elapsedTime() + ": " + w.message();
    if (warnings.isEmpty()) LOG.log(System.Logger.Level.WARNING, line);
    if (warnings.size() == KEPT_WARNINGS) warnings.removeFirst();
    warnings.addLast(line);
  }

  private double elapsedTime() {
    return Math.round(sim.time() * 1e6) / 1e6;
  }

  /** A new, empty info map for a step (insertion-ordered like Gymnasium's dicts). */
  protected static Map<String, Double> info() {
    return new LinkedHashMap<>();
  }

  /** The step's result with the observation of the current state. */
  protected final Step result(double reward, boolean terminated, Map<String, Double> info) {
    observation = observe();
    return new Step(toFloat(observation), reward, terminated, false, info);
  }

  /**
   * Sets the simulation state as Gymnasium's {@code set_state} does (qpos, qvel, then mj_forward) and
   * returns the observation of it. Used by resets and by tests that start from a given state.
   */
  public final float[] setState(double[] qposValues, double[] qvelValues) {
    if (qposValues.length != sim.nq() || qvelValues.length != sim.nv())
      throw new IllegalArgumentException(id() + " state needs " + sim.nq() + " qpos and " + sim.nv() + " qvel values");
    MemorySegment.copy(qposValues, 0, qpos, ValueLayout.JAVA_DOUBLE, 0, qposValues.length);
    MemorySegment.copy(qvelValues, 0, qvel, ValueLayout.JAVA_DOUBLE, 0, qvelValues.length);
    sim.forward();
    return toFloat(observation = observe());
  }

  /** The latest observation (after reset, step or setState) in double precision. */
  public final double[] observation64() {
    return observation.clone();
  }

  /** Element i of qpos / qvel / any data array. */
  protected final double qpos(int i) {
    return qpos.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
  }

  protected final double qvel(int i) {
    return qvel.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
  }

  protected static double at(MemorySegment s, int i) {
    return s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
  }

  public final double[] qpos() {
    return sim.copy(DataArray.QPOS);
  }

  public final double[] qvel() {
    return sim.copy(DataArray.QVEL);
  }

  /** MuJoCo warnings raised so far (the latest {@value #KEPT_WARNINGS}), oldest first. */
  public final List<String> warnings() {
    return new ArrayList<>(warnings);
  }

  @Override
  public void close() {
    sim.close();
  }

  // ---- reset noise: drawn from NumPy's generator exactly as Gymnasium draws it ----

  /** {@code n} draws uniform in [lo, hi), as Gymnasium's {@code np_random.uniform(lo, hi, n)}. */
  protected final double[] uniformNoise(int n, double lo, double hi) {
    return npRandom().uniform(lo, hi, n);
  }

  /** {@code n} standard normal draws, as Gymnasium's {@code np_random.standard_normal(n)}. */
  protected final double[] normalNoise(int n) {
    return npRandom().standardNormal(n);
  }

  // ---- small helpers for the tasks' observation and reward code ----

  protected static double[] plus(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) c[i] = a[i] + b[i];
    return c;
  }

  protected static double[] scaled(double s, double[] a) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) c[i] = s * a[i];
    return c;
  }

  protected static double clip(double x, double lo, double hi) {
    return Math.min(Math.max(x, lo), hi); // np.clip: NaN stays NaN
  }

  /** Where a tracked point is after a step, and its velocity over the step. */
  protected record Motion(double x, double y, double xVelocity, double yVelocity) {
    /** Gymnasium's x_velocity and y_velocity info entries. */
    void putVelocity(Map<String, Double> info) {
      info.put("x_velocity", xVelocity);
      info.put("y_velocity", yVelocity);
    }
  }

  /**
   * {@link #simulate} with the planar motion of a point measured as Gymnasium's locomotion tasks measure
   * it: {@code coordinate} (0: x, 1: y) read before and after the step, velocity = (after − before) / dt.
   * The tasks differ only in the point (root joint, torso body, mass centre), so the bookkeeping is here.
   */
  protected final Motion simulateTracking(float[] action, Map<String, Double> info, IntToDoubleFunction coordinate) {
    double xBefore = coordinate.applyAsDouble(0), yBefore = coordinate.applyAsDouble(1);
    simulate(action, info);
    double x = coordinate.applyAsDouble(0), y = coordinate.applyAsDouble(1);
    return new Motion(x, y, (x - xBefore) / dt, (y - yBefore) / dt);
  }

  /** Gymnasium's planar position info entries: x_position, y_position, distance_from_origin. */
  protected static void putPosition(Map<String, Double> info, double x, double y) {
    info.put("x_position", x);
    info.put("y_position", y);
    info.put("distance_from_origin", Math.hypot(x, y));
  }

  /** Gymnasium's {@code is_healthy} range tests on a single number: lo < x < hi. */
  protected static boolean inside(double x, double[] range) {
    return range[0] < x && x < range[1];
  }

  private static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
    return f;
  }

  /** Builds an observation vector from pieces of the data arrays, in order (Gymnasium's np.concatenate). */
  protected static final class Obs {
    private double[] out = new double[64];
    private int at;

    /** Elements {@code [from, to)} of a data array, clipped to ±{@code clip} when {@code clip > 0}. */
    public Obs add(MemorySegment s, int from, int to, double clip) {
      for (int i = from; i < to; i++) {
        double v = s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        add(clip > 0 ? MujocoEnv.clip(v, -clip, clip) : v);
      }
      return this;
    }

    /**
     * The start of most locomotion observations: qpos from {@code fromQpos} on (Gymnasium leaves out the
     * root's x, or x and y, by default), then all of qvel.
     */
    static Obs ofState(MjSim sim, int fromQpos) {
      return new Obs().add(sim.array(DataArray.QPOS), fromQpos, sim.nq()).add(sim.array(DataArray.QVEL), 0, sim.nv());
    }

    public Obs add(MemorySegment s, int from, int to) {
      return add(s, from, to, 0);
    }

    public Obs add(double v) {
      if (at == out.length) out = java.util.Arrays.copyOf(out, 2 * at);
      out[at++] = v;
      return this;
    }

    public double[] done() {
      return java.util.Arrays.copyOf(out, at);
    }
  }
}

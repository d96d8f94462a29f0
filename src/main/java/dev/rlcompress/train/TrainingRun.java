package dev.rlcompress.train;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every training run shares, so an algorithm class holds only its own logic (as Stable-Baselines3
 * separates an algorithm's {@code train()} from the shared loop): validated hyperparameters, the
 * locked run directory, checkpoints and {@code --resume}, the random stream, the vectorised
 * environments, best-model selection, the divergence guard and the result bookkeeping.
 *
 * <p>Resume is exact: a checkpoint holds, besides the algorithm's own state, the step counter, the
 * random stream's state, the environments' episodes in progress (replayed on resume, see
 * {@link VectorEnv.State}), the selection state and the time spent, so a killed and resumed run
 * produces the same model as an uninterrupted one and reports totals across resumes. A checkpoint
 * records the run's identity (algorithm, environment, seed, hyperparameters) and is refused, naming
 * what differs, by a command that would train something else.
 */
public final class TrainingRun implements AutoCloseable {
  /** Hyperparameters a resumed run may change: they do not alter what was learned so far. */
  private static final Set<String> MAY_CHANGE_ON_RESUME = Set.of("n_timesteps", "checkpoint_freq");

  private final String algorithm;
  private final TrainConfig cfg;
  private final Hyperparameters hp;
  private final long total;
  private final RunDirectory dir;
  private final Path checkpointPath;
  private final Checkpoint resumed;
  private final Rng rng;
  private final Selection selection;
  private final long startStep;
  private final double secondsBefore;
  private final long startNanos = System.nanoTime();
  private final List<VectorEnv> envs = new ArrayList<>();
  private long step;
  private long lastCheckpointStep = -1;
  private final double[] recent = new double[20];
  private int finished;
  private final TrainingLog log = new TrainingLog();

  private TrainingRun(String algorithm, TrainConfig cfg, Hyperparameters hp, RunDirectory dir) {
    this.algorithm = algorithm;
    this.cfg = cfg;
    this.hp = hp;
    this.dir = dir;
    this.total = cfg.steps() > 0 ? cfg.steps() : hp.lng("n_timesteps");
    this.checkpointPath = cfg.outDir() == null ? null : cfg.outDir().resolve("checkpoint-" + algorithm + ".bin");
    this.resumed = cfg.resume() && checkpointPath != null ? Checkpoint.readForResume(checkpointPath) : null;
    Selection sel = new Selection(cfg.envId(), hp.lng("eval_freq"), hp.integer("eval_episodes"), 0);
    if (resumed != null) {
      checkIdentity(resumed);
      step = resumed.number("run.step");
      lastCheckpointStep = step;
      sel.load(resumed);
      sel = sel.resumedAt(step, hp.lng("eval_freq"), hp.integer("eval_episodes"));
      rng = Rng.restore(resumed.number("run.rng"));
      secondsBefore = Double.longBitsToDouble(resumed.number("run.seconds"));
      log.load(resumed);
    } else {
      rng = Rng.forRun(cfg.seed());
      secondsBefore = 0;
    }
    selection = sel;
    startStep = step;
  }

  /**
   * Validates everything (hyperparameters, environment) before touching the output directory, runs
   * {@code body} and releases the directory. A non-finite update stops the run with one line that says
   * where the last good checkpoint is.
   */
  static TrainResult execute(String algorithm, TrainConfig cfg, Function<TrainingRun, TrainResult> body) {
    Hyperparameters hp = Algorithms.hyperparameters(algorithm, cfg.envId(), cfg.overrides());
    Envs.check(cfg.envId());
    RunDirectory dir = cfg.outDir() == null ? null : RunDirectory.open(cfg.outDir(), algorithm + " on " + cfg.envId());
    try (TrainingRun run = new TrainingRun(algorithm, cfg, hp, dir)) {
      try {
        TrainResult r = body.apply(run);
        cfg.publish().accept(r);
        return r;
      } catch (Adam.NonFiniteGradient e) {
        throw new UserError("training diverged at step " + run.step + ": " + e.getMessage()
            + (run.lastCheckpointStep >= 0 ? "; the last good checkpoint (step " + run.lastCheckpointStep + ") is kept in " + cfg.outDir()
                : "; no checkpoint was written yet"));
      }
    } finally {
      if (dir != null) dir.close();
    }
  }

  public Hyperparameters hp() {
    return hp;
  }

  public TrainConfig config() {
    return cfg;
  }

  /** Planned environment steps of the whole run (across resumes). */
  public long total() {
    return total;
  }

  /** Environment steps done so far, across resumes. */
  public long step() {
    return step;
  }

  public void advance(long steps) {
    step += steps;
  }

  /** The run's random stream (exploration, sampling, shuffling); restored on resume. */
  public Rng rng() {
    return rng;
  }

  public Selection selection() {
    return selection;
  }

  /** The checkpoint this run resumed from, for the algorithm's own state; null when it started fresh. */
  public Checkpoint resumed() {
    return resumed;
  }

  /** The run's {@code n} environments, reset with the run's seed, or rebuilt as they were at the checkpoint. */
  public VectorEnv envs(int n) {
    return envs(n, cfg.envId(), true);
  }

  /**
   * {@code n} copies of {@code spec} (a training variant of the run's environment, e.g. Atari with
   * episodic life), reset with the run's seed. On resume they are rebuilt as they were at the checkpoint
   * when {@code replayable}; otherwise each copy starts its next episode ({@link VectorEnv#restart}):
   * the resumed run is then deterministic but not the uninterrupted one.
   */
  public VectorEnv envs(int n, String spec, boolean replayable) {
    VectorEnv v = new VectorEnv(spec, n);
    envs.add(v);
    String key = "run.env" + (envs.size() - 1);
    if (resumed == null) v.reset(cfg.seed());
    else if (replayable) v.restore(readEnvState(resumed, key, n));
    else v.restart(readEnvState(resumed, key, n));
    return v;
  }

  /** Whether a checkpoint is due after the last {@code stepsJustDone} steps (crossing a multiple of checkpoint_freq). */
  public boolean checkpointDue(long stepsJustDone) {
    long f = hp.lng("checkpoint_freq");
    return checkpointPath != null && step / f != (step - stepsJustDone) / f;
  }

  /** Writes a checkpoint: the algorithm's state (filled by {@code algorithmState}) plus the run's own. */
  public void checkpoint(Consumer<Checkpoint> algorithmState) {
    Checkpoint c = new Checkpoint();
    algorithmState.accept(c);
    c.put("run.step", step);
    c.put("run.rng", rng.state());
    c.put("run.seconds", Double.doubleToLongBits(seconds()));
    selection.save(c);
    log.save(c);
    for (int i = 0; i < envs.size(); i++) writeEnvState(c, "run.env" + i, envs.get(i).snapshot());
    c.put("id.algorithm", algorithm);
    c.put("id.env", cfg.envId());
    c.put("id.seed", Long.toString(cfg.seed()));
    for (var e : hp.asMap().entrySet()) c.put("id.hp." + e.getKey(), e.getValue());
    c.writeOrFail(checkpointPath);
    lastCheckpointStep = step;
  }

  /** Records a finished training episode's return for the progress display and the learning curve. */
  public void episodeFinished(double episodeReturn) {
    recent[finished++ % recent.length] = episodeReturn;
    log.episode(step, episodeReturn);
  }

  /** Records a PPO update's diagnostics for train.json ({@link UpdateStats}). */
  public void updated(TrainingLog.Update update) {
    log.update(update);
  }

  /** Notes where a step took the player, for envs whose info reports it ({@link TrainingLog#visit}). */
  public void visited(Map<String, Double> info) {
    log.visit(info);
  }

  /** Reports progress to the CLI's bar: steps and the mean return of the last 20 finished episodes. */
  public void progress() {
    int n = Math.min(finished, recent.length);
    double mean = 0;
    for (int i = 0; i < n; i++) mean += recent[i] / n;
    cfg.progress().update(Math.min(step, total), total, n == 0 ? Double.NaN : mean, selection.note());
  }

  /** Training seconds across resumes. */
  double seconds() {
    return secondsBefore + (System.nanoTime() - startNanos) / 1e9;
  }

  /** Provenance of the model this run produces: hyperparameters as used, the budget, the selection step. */
  public Provenance provenance() {
    Map<String, String> hps = new LinkedHashMap<>(hp.asMap());
    hps.put("n_timesteps", Long.toString(total));
    if (selection.bestStep >= 0) hps.put("selected_at_step", Long.toString(selection.bestStep));
    return new Provenance(algorithm, cfg.envId(), cfg.seed(), hps, total, List.of());
  }

  public TrainResult result(dev.rlcompress.model.PolicyModel model) {
    double sessionSeconds = (System.nanoTime() - startNanos) / 1e9;
    boolean selected = selection.bestStep >= 0;
    return new TrainResult(model, step, seconds(), (step - startStep) / Math.max(sessionSeconds, 1e-9),
        selected ? selection.best : Double.NaN, selection.bestStep, resumed != null ? startStep : -1, log.summary());
  }

  private void checkIdentity(Checkpoint c) {
    List<String> diffs = new ArrayList<>();
    differs(diffs, "algorithm", c.string("id.algorithm"), algorithm);
    differs(diffs, "environment", c.string("id.env"), cfg.envId());
    differs(diffs, "seed", c.string("id.seed"), Long.toString(cfg.seed()));
    Set<String> keys = new TreeSet<>(hp.keys());
    for (String k : keys)
      if (!MAY_CHANGE_ON_RESUME.contains(k)) differs(diffs, k, c.string("id.hp." + k), hp.string(k));
    if (!diffs.isEmpty())
      throw new UserError("the checkpoint in " + cfg.outDir() + " belongs to another run: " + String.join("; ", diffs)
          + " (resume with the original settings, or use another --out)");
  }

  private static void differs(List<String> diffs, String what, String was, String now) {
    if (was == null) was = "(not recorded)";
    if (!was.equals(now)) diffs.add(what + " " + was + " there, " + now + " here");
  }

  private static void writeEnvState(Checkpoint c, String key, VectorEnv.State s) {
    c.put(key + ".seed", s.seed());
    for (int i = 0; i < s.episodeIndex().length; i++) {
      c.put(key + "." + i + ".episode", s.episodeIndex()[i]);
      List<float[]> acts = s.actions().get(i);
      int dim = acts.isEmpty() ? 0 : acts.get(0).length;
      float[] flat = new float[acts.size() * dim];
      for (int t = 0; t < acts.size(); t++) System.arraycopy(acts.get(t), 0, flat, t * dim, dim);
      c.put(key + "." + i + ".actions", flat);
      c.put(key + "." + i + ".actionDim", dim);
    }
  }

  private static VectorEnv.State readEnvState(Checkpoint c, String key, int n) {
    long[] episodes = new long[n];
    List<List<float[]>> actions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      episodes[i] = c.number(key + "." + i + ".episode");
      float[] flat = c.array(key + "." + i + ".actions");
      int dim = (int) c.number(key + "." + i + ".actionDim");
      List<float[]> acts = new ArrayList<>();
      for (int t = 0; dim > 0 && t < flat.length / dim; t++) acts.add(java.util.Arrays.copyOfRange(flat, t * dim, (t + 1) * dim));
      actions.add(acts);
    }
    return new VectorEnv.State(c.number(key + ".seed"), episodes, actions);
  }

  @Override
  public void close() {
    for (VectorEnv v : envs) v.close();
  }
}

package dev.rlcompress.eval;

import dev.rlcompress.env.Agent;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.env.Space;
import dev.rlcompress.model.Actions;
import dev.rlcompress.onnx.ModelStats;
import dev.rlcompress.runtime.Policy;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * The one evaluator for every model variant: greedy episodes on fixed seeds in ONNX Runtime, return
 * statistics with a bootstrap interval, success rate, action agreement with a reference on the states
 * this model visited, latency over the stored observation set, and size/sparsity from the file.
 */
public final class Evaluator {
  /** Upper bound on stored observations (for agreement and latency). */
  static final int MAX_STORED = 10_000;
  /** Mixed into an episode's seed for its action draws under {@link EvalOptions#stochastic}, so they are not the env's. */
  private static final long SAMPLING_SEED = 0x5eed_ac71_0b5L;

  private Evaluator() {}

  /** How a model appears in reports: its name, and the engine when it is not ONNX Runtime. */
  public static String label(Policy p) {
    return p.name() + (p.runtime().equals("ort") ? "" : " [" + p.runtime() + "]");
  }

  /**
   * Evaluates model files together ({@link #evaluateAll}): the environment is {@code envId}, or when
   * null the one the first model's provenance names.
   *
   * @param reference model to measure action agreement against; null for none
   */
  public static List<EvalReport> evaluateFiles(List<Path> models, String runtime, Path reference, String envId, EvalOptions opt) {
    return evaluateFiles(models, runtime, reference, envId, opt, null);
  }

  /**
   * As {@link #evaluateFiles(List, String, Path, String, EvalOptions)}, timing latency on the stored
   * observation set {@code observations} ({@link ObservationSet}): read when the file exists, otherwise
   * recorded from the visited states as usual and saved there. Null: the visited states, not saved.
   */
  public static List<EvalReport> evaluateFiles(List<Path> models, String runtime, Path reference, String envId, EvalOptions opt,
      Path observations) {
    if (models.isEmpty()) throw new UserError("no model to evaluate");
    List<Policy> open = new ArrayList<>();
    try (Policy ref = reference == null ? null : Policy.load(reference, "ort")) {
      for (Path model : models) open.add(Policy.load(model, runtime));
      String env = envId != null ? envId : open.get(0).provenance().envId();
      if (env == null || env.isEmpty()) throw new UserError(models.get(0) + " names no environment; pass --env");
      List<String> labels = new ArrayList<>();
      for (Policy p : open) labels.add(label(p));
      return evaluateAll(open, labels, env, opt, ref, observations);
    } finally {
      for (Policy p : open) p.close();
    }
  }

  /** Checks that {@code p} fits {@code env}'s observation and action spaces; fails with one clear line. */
  public static void checkCompatible(Policy p, Env env) {
    int obs = env.observationSpace().flatSize();
    if (p.inputSize() != obs)
      throw new UserError(p.name() + " expects observations of " + p.inputSize() + " values but " + env.id()
          + " produces " + obs);
    Space a = env.actionSpace();
    if (a instanceof Space.Discrete d) {
      if (!p.actionHead().isDiscrete())
        throw new UserError(p.name() + " has a continuous-action head but " + env.id() + " has discrete actions");
      if (p.outputSize() != d.n())
        throw new UserError(p.name() + " outputs " + p.outputSize() + " actions but " + env.id() + " has " + d.n());
    } else {
      if (p.actionHead().isDiscrete())
        throw new UserError(p.name() + " has a discrete-action head but " + env.id() + " has continuous actions");
      if (p.outputSize() != a.flatSize())
        throw new UserError(p.name() + " outputs " + p.outputSize() + " action dimensions but " + env.id()
            + " has " + a.flatSize());
    }
  }

  public static EvalReport evaluate(Policy p, String envId, EvalOptions opt, Policy reference) {
    Env env = Envs.make(envId);
    checkCompatible(p, env);
    if (reference != null) checkCompatible(reference, env);

    List<float[]> stored = new ArrayList<>();
    if (opt.stochastic() && !Actions.hasDistribution(p.actionHead()))
      throw new UserError(p.name() + ": --stochastic needs a policy with an action distribution (categorical or Gaussian); its "
          + p.actionHead().tag() + " head has none");
    Agent greedy = Actions.greedy(p.actionHead(), env.actionSpace(), p::run);
    LongFunction<Agent> agentFor = !opt.stochastic() ? s -> greedy
        : s -> Actions.sampled(p.actionHead(), env.actionSpace(), p::run, new SplittableRandom(s ^ SAMPLING_SEED));
    Rollouts.Episode[] eps = Rollouts.run(env, () -> Envs.make(envId), agentFor, opt.episodes(), opt.seed(), stored::add,
        MAX_STORED, opt.jobs());
    double[] returns = new double[eps.length];
    double len = 0;
    int successes = 0;
    for (int i = 0; i < eps.length; i++) {
      returns[i] = eps[i].totalReturn();
      len += eps[i].length();
      if (returns[i] >= env.successThreshold()) successes++;
    }
    double[] ci = Stats.bootstrapCi95(returns);
    double success = Double.isNaN(env.successThreshold()) || eps.length == 0 ? Double.NaN : (double) successes / eps.length;
    EvalReport.Fidelity fidelity = reference == null ? EvalReport.Fidelity.NONE : agreement(p, reference, stored, env.actionSpace());

    double b1 = Double.NaN, b100 = Double.NaN;
    if (opt.latency()) {
      List<float[]> set = stored.isEmpty() ? List.of(new float[p.inputSize()]) : stored;
      b1 = Latency.batch1Micros(p, set, 2000);
      b100 = Latency.batchMillis(p, set, opt.batch(), opt.passes());
    }
    ModelStats ms = p.stats();
    return new EvalReport(label(p), envId,
        new EvalReport.Returns(eps.length, Stats.mean(returns), Stats.std(returns), ci[0], ci[1], success,
            eps.length == 0 ? Double.NaN : len / eps.length),
        fidelity, new EvalReport.Timing(b1, b100), new EvalReport.Footprint(ms.sizeBytes(), ms.params(), ms.sparsity()));
  }

  /**
   * Several models measured together: returns per model, then latency for all of them in interleaved
   * rounds ({@link LatencyBench}) on one stored observation set, the states visited by the first
   * model (the reference when given) in {@code opt}'s first episodes. This is how every table that
   * compares variants is made.
   */
  public static List<EvalReport> evaluateAll(List<? extends Policy> ps, List<String> labels, String envId,
      EvalOptions opt, Policy reference) {
    return evaluateAll(ps, labels, envId, opt, reference, null);
  }

  /** As above; {@code observations} as in {@link #evaluateFiles(List, String, Path, String, EvalOptions, Path)}. */
  public static List<EvalReport> evaluateAll(List<? extends Policy> ps, List<String> labels, String envId,
      EvalOptions opt, Policy reference, Path observations) {
    EvalOptions noLatency = opt.withoutLatency();
    List<EvalReport> out = new ArrayList<>();
    for (int i = 0; i < ps.size(); i++) out.add(evaluate(ps.get(i), envId, noLatency, reference).withModel(labels.get(i)));
    if (!opt.latency()) return out;
    Policy first = reference != null ? reference : ps.get(0);
    List<float[]> stored;
    if (observations != null && java.nio.file.Files.exists(observations)) {
      stored = ObservationSet.read(observations, first.inputSize());
    } else {
      Env env = Envs.make(envId);
      List<float[]> visited = new ArrayList<>();
      Rollouts.run(env, Actions.greedy(first.actionHead(), env.actionSpace(), first::run), Math.max(1, Math.min(10, opt.episodes())),
          opt.seed(), o -> {
            if (visited.size() < MAX_STORED) visited.add(o);
          });
      stored = visited;
      if (observations != null) {
        stored = ObservationSet.sample(visited);
        int[] shape = env.observationSpace() instanceof Space.Box box ? box.shape() : new int[] {first.inputSize()};
        ObservationSet.write(observations, stored, shape);
      }
    }
    double[][] lat = LatencyBench.measure(ps, stored, opt.rounds(), opt.passes(), opt.batch());
    for (int i = 0; i < out.size(); i++) out.set(i, out.get(i).withLatency(lat[i][0], lat[i][1]));
    return out;
  }

  /**
   * Fraction of states on which both models choose the same greedy action, overall and on decisive
   * states only. A discrete state is decisive when the reference's best action leads its runner-up by at
   * least 5% of the spread of its outputs: flips on the other states are near-ties between actions the
   * reference itself barely tells apart. For continuous actions two actions agree when every dimension
   * differs by at most 5% of its range (every state counts as decisive), and the action error is
   * measured too: its root mean square and maximum over states and dimensions, each dimension's
   * difference divided by that dimension's range.
   *
   * @return overall, decisive, action RMSE, action max error; the last two NaN for discrete actions
   */
  public static EvalReport.Fidelity agreement(Policy p, Policy ref, List<float[]> states, Space actionSpace) {
    if (states.isEmpty()) return EvalReport.Fidelity.NONE;
    int same = 0, decisive = 0, decisiveSame = 0;
    double sq = 0, max = 0;
    long terms = 0;
    int chunk = 256;
    for (int from = 0; from < states.size(); from += chunk) {
      float[][] batch = states.subList(from, Math.min(states.size(), from + chunk)).toArray(new float[0][]);
      float[][] a = p.run(batch), b = ref.run(batch);
      for (int i = 0; i < batch.length; i++) {
        if (actionSpace instanceof Space.Box box) {
          float[] x = Actions.continuous(p.actionHead(), a[i], box), y = Actions.continuous(ref.actionHead(), b[i], box);
          boolean ok = true;
          for (int d = 0; d < x.length; d++) {
            double e = Math.abs(x[d] - y[d]) / (box.high()[d] - box.low()[d]);
            if (e > 0.05) ok = false;
            sq += e * e;
            max = Math.max(max, e);
            terms++;
          }
          if (ok) same++;
          decisive++;
          if (ok) decisiveSame++;
        } else {
          boolean ok = Actions.argmax(a[i]) == Actions.argmax(b[i]);
          if (ok) same++;
          if (isDecisive(b[i])) {
            decisive++;
            if (ok) decisiveSame++;
          }
        }
      }
    }
    boolean box = actionSpace instanceof Space.Box;
    return new EvalReport.Fidelity((double) same / states.size(), decisive == 0 ? Double.NaN : (double) decisiveSame / decisive,
        box ? Math.sqrt(sq / terms) : Double.NaN, box ? max : Double.NaN);
  }

  static boolean isDecisive(float[] out) {
    float best = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
    for (float v : out) {
      if (v > best) {
        second = best;
        best = v;
      } else if (v > second) {
        second = v;
      }
      min = Math.min(min, v);
    }
    return best - second >= 0.05f * (best - min);
  }
}

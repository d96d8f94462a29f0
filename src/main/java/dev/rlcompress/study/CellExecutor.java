package dev.rlcompress.study;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.prune.Pruning;
import dev.rlcompress.compress.quantize.Observer;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.Part;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.eval.LatencyBench;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Policy;
import dev.rlcompress.train.Algorithms;
import dev.rlcompress.train.Progress;
import dev.rlcompress.train.TrainConfig;
import dev.rlcompress.util.UserError;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's only door into training, compression, evaluation and the runtime: every call into those
 * libraries is here, one method per cell kind (train, quantize, prune, evaluate, latency) plus what
 * validation and the memory probe need. Everything else in the study (spec, grid, store, runner,
 * scores, report) speaks in the study's own terms ({@link StudySpec}, {@link EvalReport}), so when the
 * library's APIs change only this class changes.
 *
 * <p>Models travel between cells as ONNX files: a cell's output must survive the process (crash
 * safety) and its SHA-256 is recorded.
 */
public final class CellExecutor {
  /** What a model file says about itself. */
  public record ModelInfo(String algorithm, String envId, Map<String, String> metadata) {}

  /** A loaded model that the memory probe runs: flat batch in, flat outputs out. */
  public interface Inference extends AutoCloseable {
    int inputSize();

    float[] run(FloatBuffer input, int batch);

    @Override
    void close();
  }

  // ---- validation (before any work) ----

  /** Algorithms this build can train. */
  public List<String> algorithms() {
    return Algorithms.names();
  }

  /** Why training {@code algorithm} on {@code envId} with {@code overrides} cannot run, or null if it can. */
  public String checkTraining(String algorithm, String envId, Map<String, String> overrides) {
    try {
      Algorithms.hyperparameters(algorithm, envId, overrides);
      return null;
    } catch (UserError e) {
      return e.getMessage();
    }
  }

  /**
   * Reads a model file's provenance from its metadata (fp32 or compressed); fails with a one-line
   * {@link UserError} when it is not a readable rlc model.
   */
  public ModelInfo inspect(Path model) {
    Map<String, String> md = new LinkedHashMap<>();
    try {
      for (var p : OnnxImporter.readProto(model).getMetadataPropsList()) md.put(p.getKey(), p.getValue());
      if (!md.containsKey(ModelFormat.ACTION_OUTPUT)) throw new UserError(model + " was not written by rlc (no rlc metadata)");
      Provenance p = ModelFormat.provenance(md);
      return new ModelInfo(p.algorithm(), p.envId(), md);
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException e) {
      throw new UserError("cannot read " + model + ": " + e.getMessage());
    }
  }

  // ---- cells ----

  /**
   * Trains {@code t} into {@code runDir} (checkpoints there; a killed run resumes from the last one)
   * and writes the selected policy to {@code modelOut} atomically.
   */
  public void train(StudySpec.Source.Training t, Path runDir, Path modelOut) {
    TrainConfig cfg = new TrainConfig(t.envId(), t.seed(), t.steps(), t.hyperparameters(), runDir, true, Progress.NONE,
        r -> write(r.model().actionOnly(), modelOut));
    Algorithms.train(t.algorithm(), cfg);
  }

  /** Quantizes the fp32 model {@code in} into {@code out}; {@code seed} varies calibration and fine-tuning. */
  public void quantize(Path in, StudySpec.Step.Quantize q, long seed, Path out) {
    PolicyModel fp32 = OnnxImporter.read(in);
    Map<String, String> o = q.options();
    Part part = Part.parse(o.getOrDefault("part", "all"));
    boolean center = bool(o, "center_outputs", false);
    QuantOptions options = switch (Quantizer.defaults(q.method())) {
      case QuantOptions.Ptdq d -> new QuantOptions.Ptdq(part, bool(o, "per_channel", d.perChannel()), bool(o, "equalize_inputs", false), center);
      case QuantOptions.Ptsq d -> new QuantOptions.Ptsq(part, bool(o, "per_channel", d.perChannel()), observer(o, d.observer()),
          bool(o, "equalize_inputs", false), center);
      case QuantOptions.Fp16 d -> bool(o, "full_fp16", false) ? new QuantOptions.Fp16Graph(center) : new QuantOptions.Fp16(part, center);
      case QuantOptions.Fp16Graph d -> d;
      case QuantOptions.Mixed d -> d;
      case QuantOptions.Int4 d -> new QuantOptions.Int4(part, integer(o, "block_size", d.blockSize()), center);
      case QuantOptions.Qat d -> new QuantOptions.Qat(part, bool(o, "per_channel", d.perChannel()), observer(o, d.observer()),
          finetune(d.finetune(), o, seed), center);
      case QuantOptions.Binary d -> new QuantOptions.Binary(part, finetune(d.finetune(), o, seed), center);
    };
    Calibration.Source states = new Calibration.Episodes(fp32.provenance().envId(), integer(o, "calibration_episodes", 10),
        Calibration.DEFAULT_SEED + seed, 10_000);
    OnnxExporter.write(Quantizer.quantize(fp32, options, states).policy().toProto(), out);
  }

  /** Prunes the fp32 model {@code in} into {@code out}; {@code seed} drives random importance and fine-tuning. */
  public void prune(Path in, StudySpec.Step.Prune p, long seed, Path out) {
    PolicyModel fp32 = OnnxImporter.read(in).actionOnly();
    Map<String, String> o = p.options();
    PruneMethod m = PruneMethod.parse(p.method(), Part.ALL, bool(o, "global", false), seed);
    int iterations = integer(o, "iterations", 1), finetune = integer(o, "finetune_steps", 0);
    Pruning.Options options = iterations > 1 || finetune > 0
        ? new Pruning.Options.FineTuned(m, p.ratio(), iterations, Distiller.Config.of(finetune, 1e-4).withSeed(seed))
        : new Pruning.Options.OneShot(m, p.ratio());
    Calibration.Source states = new Calibration.Episodes(fp32.provenance().envId(), integer(o, "calibration_episodes", 20),
        Calibration.DEFAULT_SEED + seed, 20_000);
    write(Pruning.prune(fp32, options, states), out);
  }

  private static Observer observer(Map<String, String> o, Observer dflt) {
    return o.containsKey("observer") ? Observer.parse(o.get("observer")) : dflt;
  }

  private static Distiller.Config finetune(Distiller.Config d, Map<String, String> o, long seed) {
    return d.withSteps(integer(o, "finetune_steps", d.steps())).withTemperature(real(o, "distill_temperature", Double.NaN))
        .withSeed(d.seed() + seed);
  }

  /**
   * Evaluates {@code model} on {@code episodes} greedy episodes from {@code seed} with the one evaluator;
   * agreement is against {@code reference} on the states {@code model} visited.
   */
  public EvalReport evaluate(Path model, Path reference, String envId, int episodes, long seed) {
    try (Policy p = Policy.load(model, "ort"); Policy ref = Policy.load(reference, "ort")) {
      return Evaluator.evaluate(p, envId, new EvalOptions(episodes, seed, false, 1, 1), ref);
    }
  }

  /**
   * Latency of {@code models} measured together, interleaved as {@code rlc eval} does for a comparison
   * table, on the states the reference visits in its first episodes from {@code seed}.
   *
   * @return {batch-1 µs, batch-B ms} per model, in order
   */
  public double[][] latency(List<Path> models, Path reference, String envId, long seed, StudySpec.LatencyProtocol lp) {
    List<Policy> open = new ArrayList<>();
    try (Policy ref = Policy.load(reference, "ort")) {
      for (Path m : models) open.add(Policy.load(m, "ort"));
      Env env = Envs.make(envId);
      List<float[]> stored = new ArrayList<>();
      Rollouts.run(env, Actions.greedy(ref.actionHead(), env.actionSpace(), ref::run), 3, seed, o -> {
        if (stored.size() < 10_000) stored.add(o);
      });
      env.close();
      return LatencyBench.measure(open, stored, lp.rounds(), lp.passes(), lp.batch());
    } finally {
      for (Policy p : open) p.close();
    }
  }

  // ---- the memory probe's child process ----

  /** Starts the runtime without a model: the child's empty-runtime baseline. */
  public static void loadRuntime() {
    ai.onnxruntime.OrtEnvironment.getEnvironment();
  }

  /** Opens {@code model} in the runtime every variant is measured in. */
  public static Inference open(Path model) {
    Policy p = Policy.load(model, "ort");
    return new Inference() {
      public int inputSize() {
        return p.inputSize();
      }

      public float[] run(FloatBuffer input, int batch) {
        return p.runFlat(input, batch);
      }

      public void close() {
        p.close();
      }
    };
  }

  // ---- helpers ----

  private static void write(PolicyModel m, Path out) {
    OnnxExporter.write(m, out);
  }

  private static boolean bool(Map<String, String> o, String k, boolean dflt) {
    return o.containsKey(k) ? Boolean.parseBoolean(o.get(k)) : dflt;
  }

  private static int integer(Map<String, String> o, String k, int dflt) {
    return o.containsKey(k) ? Integer.parseInt(o.get(k)) : dflt;
  }

  private static double real(Map<String, String> o, String k, double dflt) {
    return o.containsKey(k) ? Double.parseDouble(o.get(k)) : dflt;
  }
}

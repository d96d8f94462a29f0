package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Policy;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Why a compressed discrete policy changes its greedy actions: on the reference's own states, the
 * reference's action gap (best minus runner-up output) against each variant's error on the difference
 * of the two leading outputs. A state flips when that error exceeds the gap.
 */
public final class ActionGaps {
  private ActionGaps() {}

  /**
   * @param states states of the reference's episodes
   * @param medianMagnitude median over states of the largest |output|
   * @param gapP10 10th percentile of the reference's action gap (gapMedian, gapP90 likewise)
   */
  public record Report(String reference, int states, double medianMagnitude, double gapP10, double gapMedian,
      double gapP90, List<Row> variants) {}

  /**
   * One variant, run at batch 1 as deployed.
   *
   * @param errorRms RMS of the error of the leading-pair difference
   * @param errorP90 its 90th percentile
   * @param belowError share of states whose gap is below errorP90 (at risk of flipping)
   * @param agreement share of states with the reference's greedy action
   * @param exceedsGap share of states where the error on that state exceeds that state's own gap
   */
  public record Row(String variant, double errorRms, double errorP90, double belowError, double agreement,
      double exceedsGap) {}

  /** Gaps on the states of {@code episodes} greedy episodes of {@code reference} (from the evaluation seed). */
  public static Report analyze(Path reference, List<Path> variants, int episodes) {
    if (episodes <= 0) throw new UserError("--episodes must be at least 1 (got " + episodes + ")");
    ModelProto proto = OnnxImporter.readProto(reference);
    PolicyModel ref = OnnxImporter.read(proto, reference.toString()).actionOnly();
    if (!ref.actionHead().kind().isDiscrete()) throw new UserError("action gaps need a discrete-action model");
    List<float[]> states = new Calibration.Episodes(ref.provenance().envId(), episodes, EvalOptions.DEFAULT_SEED,
        Calibration.Episodes.maxStatesFor(ref, 50_000)).states(ref); // an Atari state is 113 KB
    float[][] r;
    try (Policy p = Policy.of(proto, reference.toString(), "ort")) {
      r = p.run(states.toArray(new float[0][]));
    }
    double[] gap = new double[r.length], mag = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      float[] s = r[i].clone();
      Arrays.sort(s);
      gap[i] = s[s.length - 1] - s[s.length - 2];
      mag[i] = Math.max(Math.abs(s[0]), Math.abs(s[s.length - 1]));
    }
    List<Row> rows = new ArrayList<>();
    for (Path v : variants) {
      float[][] y;
      try (Policy p = Policy.load(v, "ort")) {
        y = batch1(p, states); // batch 1, as deployed
      }
      rows.add(row(v.toString(), r, y, gap));
    }
    return new Report(reference.toString(), r.length, percentile(mag, 50), percentile(gap, 10), percentile(gap, 50),
        percentile(gap, 90), rows);
  }

  /**
   * {@code variant} against {@code reference} on {@code states}, both run at batch 1 in ONNX Runtime as
   * deployed: what {@code rlc quantize} checks before it writes a scheme that flips most decisions.
   */
  public static Row compare(ModelProto reference, ModelProto variant, List<float[]> states) {
    float[][] r, y;
    try (Policy a = Policy.of(reference, "reference", "ort"); Policy b = Policy.of(variant, "variant", "ort")) {
      if (!a.actionHead().isDiscrete()) throw new UserError("action gaps need a discrete-action model");
      r = batch1(a, states);
      y = batch1(b, states);
    }
    return compare("variant", r, y);
  }

  /** Outputs of {@code p} on each state, one call per state (dynamic int8 scales differ with the batch). */
  public static float[][] batch1(Policy p, List<float[]> states) {
    float[][] y = new float[states.size()][];
    for (int i = 0; i < y.length; i++) y[i] = p.run(states.get(i));
    return y;
  }

  /** The row of outputs {@code y} against the reference's outputs {@code r} on the same states. */
  public static Row compare(String name, float[][] r, float[][] y) {
    return row(name, r, y, gaps(r));
  }

  /** Each state's action gap: best minus runner-up output. */
  public static double[] gaps(float[][] r) {
    double[] gap = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      int a = Actions.argmax(r[i]);
      gap[i] = r[i][a] - r[i][secondBest(r[i], a)];
    }
    return gap;
  }

  static Row row(String name, float[][] r, float[][] y, double[] gap) {
    double[] err = new double[r.length];
    double sq = 0;
    int agree = 0, exceeds = 0;
    for (int i = 0; i < r.length; i++) {
      int a = Actions.argmax(r[i]);
      int b = secondBest(r[i], a);
      // what matters for a flip: the error of the difference between the two leading outputs
      err[i] = Math.abs((y[i][a] - y[i][b]) - (r[i][a] - r[i][b]));
      sq += err[i] * err[i];
      if (err[i] > gap[i]) exceeds++;
      if (Actions.argmax(y[i]) == a) agree++;
    }
    double p90 = percentile(err, 90);
    int below = 0;
    for (double g : gap) if (g < p90) below++;
    return new Row(name, Math.sqrt(sq / r.length), p90, (double) below / r.length, (double) agree / r.length,
        (double) exceeds / r.length);
  }

  static int secondBest(float[] v, int best) {
    int s = best == 0 ? 1 : 0;
    for (int i = 0; i < v.length; i++) if (i != best && v[i] > v[s]) s = i;
    return s;
  }

  /** The value below which {@code p}% of {@code x} lie (nearest rank, lower). */
  static double percentile(double[] x, double p) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.compress.quantize.Calibration;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Policy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "action-gap",
    description = {
      "Explain greedy-action flips: the reference's action gaps against each variant's error.",
      "",
      "Why a compressed discrete policy changes its greedy actions: on the reference's own states,",
      "compare the reference's action gap (best minus runner-up output) with each variant's output",
      "error. A state flips when the error across the two leading actions exceeds the gap."
    },
    mixinStandardHelpOptions = true)
final class ActionGapCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REFERENCE.onnx")
  Path reference;

  @Parameters(index = "1..*", paramLabel = "VARIANT.onnx", arity = "0..*")
  List<Path> variants = List.of();

  @Option(names = "--episodes", defaultValue = "20", description = "Reference episodes whose states are used (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Override
  public Integer call() {
    PolicyModel ref = OnnxImporter.read(reference).actionOnly();
    if (!ref.actionHead().kind().isDiscrete()) throw new dev.rlcompress.util.UserError("action gaps need a discrete-action model");
    List<float[]> states = Calibration.observations(ref, ref.provenance().envId(), episodes, EvalOptions.DEFAULT_SEED, 50_000);
    float[][] r;
    try (Policy p = Policy.load(reference, "ort")) {
      r = p.run(states.toArray(new float[0][]));
    }
    double[] gap = new double[r.length], mag = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      float[] s = r[i].clone();
      Arrays.sort(s);
      gap[i] = s[s.length - 1] - s[s.length - 2];
      mag[i] = Math.max(Math.abs(s[0]), Math.abs(s[s.length - 1]));
    }
    System.out.printf("%d states of %s: |output| median %.3g; action gap p10 %.3g, median %.3g, p90 %.3g (median gap/|output| %.2g)%n",
        r.length, reference, pct(mag, 50), pct(gap, 10), pct(gap, 50), pct(gap, 90), pct(gap, 50) / pct(mag, 50));
    System.out.println("| variant | output error RMS | error p90 | states with gap < error p90 | greedy agreement |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Path v : variants) {
      float[][] y;
      try (Policy p = Policy.load(v, "ort")) {
        y = new float[states.size()][];
        for (int i = 0; i < y.length; i++) y[i] = p.run(states.get(i)); // batch 1, as deployed
      }
      double[] err = new double[r.length];
      double sq = 0;
      int agree = 0;
      for (int i = 0; i < r.length; i++) {
        int a = Actions.argmax(r[i]);
        int b = secondBest(r[i], a);
        // what matters for a flip: the error of the difference between the two leading outputs
        err[i] = Math.abs((y[i][a] - y[i][b]) - (r[i][a] - r[i][b]));
        sq += err[i] * err[i];
        if (Actions.argmax(y[i]) == a) agree++;
      }
      double p90 = pct(err, 90);
      int below = 0;
      for (double g : gap) if (g < p90) below++;
      System.out.printf("| %s | %.3g | %.3g | %.1f%% | %.1f%% |%n", v, Math.sqrt(sq / r.length), p90,
          100.0 * below / r.length, 100.0 * agree / r.length);
    }
    return 0;
  }

  static int secondBest(float[] v, int best) {
    int s = best == 0 ? 1 : 0;
    for (int i = 0; i < v.length; i++) if (i != best && v[i] > v[s]) s = i;
    return s;
  }

  static double pct(double[] x, double p) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
  }
}

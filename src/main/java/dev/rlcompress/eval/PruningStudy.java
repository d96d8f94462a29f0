package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.distill.Masks;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.prune.Pruning;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pruning experiments behind docs/results/pruning.md, each one comparison table measured in one
 * run: a ratio sweep with the best ratio by the return-retention rule, one sparsity compared across
 * pipelines (one-shot, fine-tuned, iterative, lottery ticket and its control), and dense vs sparse
 * storage and execution.
 */
public final class PruningStudy {
  private PruningStudy() {}

  /** An fp32 model read once: its graph (the reference) and the policy rebuilt from it. */
  private record Source(ModelProto proto, String name, PolicyModel model) {
    static Source read(Path path) {
      ModelProto proto = OnnxImporter.readProto(path);
      return new Source(proto, path.toString(), OnnxImporter.read(proto, path.toString()).actionOnly());
    }

    Comparison comparison(EvalOptions opt) {
      return new Comparison(model.provenance().envId(), opt, proto, name);
    }
  }

  /** A sweep cell's label: the method and the ratio with every digit it has (0.999 is not "1.00"). */
  public static String label(String method, double ratio) {
    String two = String.format("%.2f", ratio);
    return method + " " + (Double.parseDouble(two) == ratio ? two : CompressionStep.number(ratio));
  }

  /** The best ratio of one method: the highest whose mean return keeps the required share of the baseline's. */
  public record Best(String method, double ratio, EvalReport row) {}

  /** Every cell (the baseline first, then each method's ratios in order) and each method's best ratio. */
  public record Sweep(List<EvalReport> cells, List<Best> best) {}

  /**
   * One-shot structured or unstructured pruning of {@code model} at every ratio with every method
   * (names as for {@code rlc prune}), all cells in one run.
   *
   * @param keep share of the baseline's mean return a ratio must keep to count (the study's 0.9)
   */
  public static Sweep sweep(Path model, List<String> methods, double[] ratios, double keep, EvalOptions opt) {
    List<PruneMethod> parsed = new ArrayList<>();
    for (String m : methods) parsed.add(PruneMethod.parse(m, Part.ALL, false, 0));
    Source src = Source.read(model);
    Comparison c = src.comparison(opt).add("baseline", src.model());
    for (int i = 0; i < parsed.size(); i++)
      for (double ratio : ratios) c.add(label(methods.get(i), ratio), parsed.get(i).prune(src.model(), ratio));
    List<EvalReport> rows = c.measure();
    EvalReport base = rows.get(0);
    List<Best> best = new ArrayList<>();
    int k = 1;
    for (String method : methods) {
      double bestRatio = 0;
      EvalReport bestRow = base;
      for (double ratio : ratios) {
        EvalReport e = rows.get(k++);
        if (e.meanReturn() >= keep * base.meanReturn() && ratio > bestRatio) {
          bestRatio = ratio;
          bestRow = e;
        }
      }
      best.add(new Best(method, bestRatio, bestRow));
    }
    return new Sweep(rows, best);
  }

  /**
   * How the pipelines compare at one ratio.
   *
   * @param steps fine-tuning budget (gradient steps), shared by every fine-tuned row
   * @param temperature distillation temperature (NaN: MSE on Q-values)
   */
  public record CompareOptions(String method, double ratio, int steps, int iterations, double temperature, EvalOptions eval) {
    public CompareOptions {
      if (!(ratio > 0 && ratio < 1)) throw new UserError("--ratio must be in (0, 1), got " + ratio);
      if (steps < 0 || iterations < 1) throw new UserError("--steps must be >= 0 and --iterations >= 1");
    }
  }

  /**
   * At one ratio: the baseline; one-shot; one-shot + fine-tuning; iterative pruning with fine-tuning;
   * for unstructured pruning the lottery ticket (surviving weights rewound to their initial values,
   * rebuilt from the provenance, and retrained with the same budget) and its control (same mask and
   * retraining from other random initial weights). Fine-tuning distills from the unpruned policy on
   * 20 of its own episodes.
   */
  public static List<EvalReport> compare(Path model, CompareOptions o) {
    PruneMethod method = PruneMethod.parse(o.method(), Part.ALL, false, 0);
    Source src = Source.read(model);
    PolicyModel fp32 = src.model();
    List<float[]> states = Calibration.Episodes.of(fp32.provenance().envId(), 20, 20_000).states(fp32);
    Distiller.Config ft = Distiller.Config.of(o.steps(), 1e-4).withTemperature(o.temperature()).withSeed(1);
    Comparison c = src.comparison(o.eval()).add("baseline", fp32);
    PolicyModel oneShot = method.prune(fp32, o.ratio());
    c.add("one-shot", oneShot);
    Masks masks = method instanceof PruneMethod.Unstructured ? Masks.nonzero(oneShot) : Masks.NONE;
    c.add("one-shot + fine-tune", Distiller.distill(oneShot, fp32, states, ft.withMasks(masks)));
    Pruning.Options.FineTuned iterative = new Pruning.Options.FineTuned(method, o.ratio(), o.iterations(),
        ft.withSteps(o.steps() / o.iterations()));
    c.add("iterative (" + o.iterations() + "x) + fine-tune", Pruning.prune(fp32, iterative, new Calibration.Given(states)));
    if (method instanceof PruneMethod.Unstructured) {
      // Training from initialisation uses the from-scratch learning rate (1e-3), fine-tuning uses 1e-4.
      Distiller.Config retrain = ft.withLr(1e-3);
      c.add("lottery ticket (rewind + retrain)", Pruning.lotteryTicket(fp32,
          dev.rlcompress.train.Algorithms.initialPolicy(fp32.provenance()), oneShot, states, retrain));
      // The control that decides the hypothesis: same mask, same retraining, random initial weights.
      c.add("random re-init + retrain (control)", Pruning.lotteryTicket(fp32,
          dev.rlcompress.train.Algorithms.initialPolicy(fp32.provenance().withSeed(fp32.provenance().seed() + 7919)),
          oneShot, states, retrain));
    }
    return c.measure();
  }

  /**
   * At each sparsity, the same unstructured-pruned model stored dense and sparse in ONNX Runtime and
   * in the Java CSR engine; from which sparsity the sparse path beats dense.
   */
  public static List<EvalReport> sparseStorage(Path model, double[] sparsities, EvalOptions opt) {
    Source src = Source.read(model);
    Comparison c = src.comparison(opt);
    PruneMethod l1 = new PruneMethod.Unstructured(Part.ALL, false);
    for (double s : sparsities) {
      PolicyModel p = l1.prune(src.model(), s);
      String tag = CompressionStep.number(Math.round(s * 1e6) / 1e4) + "%";
      ModelProto dense = OnnxExporter.toProto(p), sparse = SparseStorage.toSparse(dense, 0.0);
      c.add(tag + " dense, ort", dense).add(tag + " sparse file, ort", sparse).add(tag + " sparse file, java-sparse", sparse, "java-sparse");
    }
    return c.measure();
  }
}

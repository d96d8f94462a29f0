package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.Importance;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.prune.Pruning;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import java.util.ArrayList;
import java.util.List;

/**
 * What rl-compress is for, in one table: a trained policy compressed the ways the DQN-LunarLander study
 * did (dynamic int8, 30% unstructured pruning, both) and the ways that actually make it smaller and
 * faster (structured pruning with distillation fine-tuning, then int8 on the hidden layers with the
 * output layer kept in fp32), all measured by the one evaluator in one run, with a recommendation
 * chosen by measurement: the smallest variant whose mean return keeps {@link #KEEP} of the original's
 * (the study's 90% rule for the best pruning ratio, applied to every variant).
 */
public final class Showcase {
  /** Share of the original's mean return the recommended variant must keep (the reference study's 90% rule). */
  public static final double KEEP = 0.90;

  private Showcase() {}

  /**
   * @param reports one row per variant, the original first
   * @param recommended index into {@code reports} of the recommended variant, -1 if none keeps its return
   * @param conclusion one line saying what to deploy and why
   */
  public record Result(List<EvalReport> reports, int recommended, String conclusion) {}

  /** @param episodes evaluation episodes per variant (100 in the study) */
  public static Result run(PolicyModel fp32, int episodes, long seed) {
    PolicyModel m = fp32.actionOnly().requireFinite("the model");
    String env = m.provenance().envId();
    boolean qValues = m.actionHead().kind() instanceof HeadKind.QValues;
    // Sharpened distillation for Q-values (Rusu et al. 2016): MSE on Q-values recovers little (pruning.md).
    Distiller.Config finetune = Distiller.Config.of(3000, 1e-4).withTemperature(qValues ? 0.01 : Double.NaN).withSeed(seed);
    Calibration.Source states = Calibration.Episodes.of(env, 20, 20_000);

    QuantOptions int8 = new QuantOptions.Ptdq(Part.ALL, false, false, false);
    QuantOptions int8Hidden = new QuantOptions.Ptdq(Part.FEATURES, false, false, false);
    PolicyModel pruned30 = Pruning.prune(m, new Pruning.Options.OneShot(new PruneMethod.Unstructured(Part.ALL, false), 0.3), states);
    PolicyModel structured = Pruning.prune(m,
        new Pruning.Options.FineTuned(new PruneMethod.Structured(Importance.L2, Part.ALL), 0.5, 1, finetune), states);

    List<String> labels = new ArrayList<>();
    List<ModelProto> protos = new ArrayList<>();
    add(labels, protos, "fp32 (original)", OnnxExporter.toProto(m));
    add(labels, protos, "int8 dynamic (ptdq)", Quantizer.quantize(m, int8, states).policy().toProto());
    add(labels, protos, "30% unstructured (l1)", OnnxExporter.toProto(pruned30));
    add(labels, protos, "30% unstructured + int8", Quantizer.quantize(pruned30, int8, states).policy().toProto());
    add(labels, protos, "50% structured (l2) + fine-tune", OnnxExporter.toProto(structured));
    add(labels, protos, "50% structured + int8 hidden", Quantizer.quantize(structured, int8Hidden, states).policy().toProto());

    Comparison table = new Comparison(env, new EvalOptions(episodes, EvalOptions.DEFAULT_SEED, true, 500, 100),
        protos.get(0), labels.get(0));
    for (int i = 0; i < labels.size(); i++) table.add(labels.get(i), protos.get(i));
    List<EvalReport> reports = table.measure();
    int best = recommend(reports);
    return new Result(reports, best, conclusion(reports, best));
  }

  private static void add(List<String> labels, List<ModelProto> protos, String label, ModelProto proto) {
    labels.add(label);
    protos.add(proto);
  }

  /** The smallest variant (then the fastest at batch 1) whose mean return keeps KEEP of the original's. */
  static int recommend(List<EvalReport> reports) {
    double base = reports.get(0).meanReturn();
    double bar = base >= 0 ? KEEP * base : base / KEEP;
    int best = -1;
    for (int i = 1; i < reports.size(); i++) {
      EvalReport r = reports.get(i);
      if (!(r.meanReturn() >= bar)) continue;
      if (best < 0 || r.sizeBytes() < reports.get(best).sizeBytes()
          || (r.sizeBytes() == reports.get(best).sizeBytes() && r.latencyUsB1() < reports.get(best).latencyUsB1()))
        best = i;
    }
    return best;
  }

  static String conclusion(List<EvalReport> reports, int best) {
    EvalReport base = reports.get(0);
    if (best < 0)
      return String.format("no variant kept %.0f%% of the original's return (%.1f): keep the fp32 policy",
          100 * KEEP, base.meanReturn());
    EvalReport r = reports.get(best);
    return String.format("deploy \"%s\", the smallest variant keeping %.0f%% of the return: %.1f vs %.1f (%.0f%%), "
        + "%.1f× smaller, %.2f× the speed at batch 1 and %.2f× at batch 100",
        r.model(), 100 * KEEP, r.meanReturn(), base.meanReturn(), 100 * r.meanReturn() / base.meanReturn(),
        (double) base.sizeBytes() / r.sizeBytes(), base.latencyUsB1() / r.latencyUsB1(), base.latencyMsB100() / r.latencyMsB100());
  }
}

package dev.rlcompress.compress.quantize;
import dev.rlcompress.compress.Part;

import dev.rlcompress.model.Layer;
import dev.rlcompress.compress.distill.Distillation;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point of the quantization suite: one method, one part, one result graph. */
public final class Quantizer {
  private Quantizer() {}

  public enum Method {
    PTDQ, PTSQ, FP16, QAT, BINARY, INT4;

    public static Method parse(String s) {
      try {
        return valueOf(s.toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new UserError("unknown quantization method '" + s + "'; known: ptdq, ptsq, fp16, qat, binary, int4");
      }
    }
  }

  /**
   * @param envId environment for calibration rollouts
   * @param calibrationEpisodes greedy episodes of the fp32 policy whose states calibrate (ptsq, qat, binary)
   * @param fullFp16 for fp16: run the whole graph in fp16 instead of storing fp16 weights
   * @param finetuneSteps gradient steps of quantization-aware fine-tuning (qat, binary)
   */
  public record Spec(Method method, Part part, boolean perChannel, Observer observer, String envId,
      int calibrationEpisodes, long calibrationSeed, int maxCalibrationStates, int blockSize, boolean fullFp16,
      int finetuneSteps, double finetuneLr, boolean equalizeInputs, boolean centerOutputs,
      double distillTemperature) {

    public static Spec defaults(Method method, String envId) {
      return new Spec(method, Part.ALL, true, new Observer.MinMax(), envId, 10, Calibration.DEFAULT_SEED, 10_000, 32,
          false, 3000, method == Method.BINARY ? 1e-3 : 1e-4, false, false, Double.NaN);
    }

    public Spec withEqualizeInputs(boolean on) {
      return new Spec(method, part, perChannel, observer, envId, calibrationEpisodes, calibrationSeed,
          maxCalibrationStates, blockSize, fullFp16, finetuneSteps, finetuneLr, on, centerOutputs, distillTemperature);
    }

    /** Fine-tune (qat, binary) with Rusu et al.'s sharpened KL at temperature τ instead of MSE on Q-values. */
    public Spec withDistillTemperature(double tau) {
      return new Spec(method, part, perChannel, observer, envId, calibrationEpisodes, calibrationSeed,
          maxCalibrationStates, blockSize, fullFp16, finetuneSteps, finetuneLr, equalizeInputs, centerOutputs, tau);
    }

    public Spec withCenterOutputs(boolean on) {
      return new Spec(method, part, perChannel, observer, envId, calibrationEpisodes, calibrationSeed,
          maxCalibrationStates, blockSize, fullFp16, finetuneSteps, finetuneLr, equalizeInputs, on, distillTemperature);
    }
  }

  /** The quantized policy and what a bit-packed deployment of its weights would take (binary only, else -1). */
  public record Result(QuantizedPolicy policy, long packedWeightBytes) {}

  public static Result quantize(PolicyModel fp32, Spec spec) {
    return quantize(fp32, spec, null);
  }

  /**
   * @param calibrationObservations observations to calibrate on; null collects them from the policy's
   *     own rollouts in {@code spec.envId()}
   */
  public static Result quantize(PolicyModel fp32, Spec spec, List<float[]> calibrationObservations) {
    PolicyModel m = fp32.actionOnly();
    if (m.provenance().compression().stream().anyMatch(c -> c.startsWith("quantize:")))
      throw new UserError("the model is already quantized (" + m.provenance().compression() + "); start from fp32 weights");
    List<PolicyModel.NamedLayer> chosen = spec.fullFp16() ? Part.weighted(m) : spec.part().select(m);
    if (chosen.isEmpty())
      throw new UserError("no quantizable layer in part '" + spec.part().label() + "' of this model");
    Set<String> names = new LinkedHashSet<>();
    for (PolicyModel.NamedLayer n : chosen) names.add(n.name());

    LayerScheme scheme = switch (spec.method()) {
      case PTDQ -> new DynamicInt8(spec.perChannel());
      case FP16 -> spec.fullFp16() ? new Fp16Graph() : new Fp16Weights();
      case INT4 -> new Int4Weights(spec.blockSize());
      case BINARY -> new BinaryWeights();
      case PTSQ, QAT -> null; // needs calibration first
    };
    if (scheme != null) checkSupported(scheme, chosen, spec.method());
    else checkSupported(new StaticInt8(true, Map.of(), Map.of()), chosen, spec.method());

    long packed = -1;
    String detail = "";
    if (spec.centerOutputs()) {
      m = OutputCentering.apply(m);
      detail += ":centered-outputs";
    }
    if (calibrationObservations != null && calibrationObservations.isEmpty())
      throw new UserError("the calibration set is empty");
    if (spec.equalizeInputs() && spec.method() != Method.PTDQ && spec.method() != Method.PTSQ)
      throw new UserError("--equalize-inputs applies to ptdq and ptsq");
    boolean calibrates = spec.equalizeInputs() || spec.method() == Method.PTSQ || spec.method() == Method.QAT
        || spec.method() == Method.BINARY;
    // Collected once from the unmodified policy: equalization is an exact reparametrization, so the
    // rollouts of the equalized policy would visit the same states.
    List<float[]> obs = !calibrates || calibrationObservations != null ? calibrationObservations
        : Calibration.observations(m, spec.envId(), spec.calibrationEpisodes(), spec.calibrationSeed(),
            spec.maxCalibrationStates());
    if (spec.equalizeInputs()) {
      m = InputEqualization.apply(m, obs);
      detail += ":equalized-inputs";
    }
    switch (spec.method()) {
      case PTSQ, QAT, BINARY -> {
        detail = ":calibration=" + spec.calibrationEpisodes() + "ep/" + obs.size() + "states";
        if (spec.method() == Method.BINARY) {
          m = QuantAwareTraining.finetune(m, obs, names, QuantAwareTraining.Kind.BINARY, Map.of(), true,
              spec.finetuneSteps(), spec.finetuneLr(), spec.calibrationSeed(), new Distillation.Loss(spec.distillTemperature()));
          packed = 0;
          for (PolicyModel.NamedLayer n : Part.weighted(m))
            if (names.contains(n.name())) packed += BinaryWeights.packedBytes((Layer.Linear) n.layer());
            else packed += 4 * n.layer().parameterCount();
          detail += ":finetune=" + spec.finetuneSteps();
          if (!Double.isNaN(spec.distillTemperature())) detail += ":distill-tau=" + spec.distillTemperature();
        } else {
          Map<String, List<float[]>> acts = Calibration.activations(m, obs);
          Map<String, float[]> in = new HashMap<>(), out = new HashMap<>();
          for (PolicyModel.NamedLayer n : chosen) {
            in.put(n.name(), range(spec.observer(), acts.get(n.name())));
            if (n.layer() instanceof Layer.Conv2d) out.put(n.name(), range(spec.observer(), acts.get(Calibration.next(m, n.name()))));
          }
          if (spec.method() == Method.QAT) {
            m = QuantAwareTraining.finetune(m, obs, names, QuantAwareTraining.Kind.INT8, in, spec.perChannel(),
                spec.finetuneSteps(), spec.finetuneLr(), spec.calibrationSeed(), new Distillation.Loss(spec.distillTemperature()));
            detail += ":finetune=" + spec.finetuneSteps();
            if (!Double.isNaN(spec.distillTemperature())) detail += ":distill-tau=" + spec.distillTemperature();
          }
          detail += ":observer=" + spec.observer().name();
          scheme = new StaticInt8(spec.perChannel(), in, out);
        }
      }
      default -> {}
    }
    String step = "quantize:" + spec.method().name().toLowerCase() + ":" + scheme.describe() + ":part="
        + (spec.fullFp16() ? "all" : spec.part().label()) + detail;
    m = m.withProvenance(m.provenance().withCompression(step));
    return new Result(new QuantizedPolicy(m, scheme, names), packed);
  }

  private static float[] range(Observer o, List<float[]> acts) {
    float[] r = o.range(acts);
    return QMath.affineU8(r[0], r[1]);
  }

  private static void checkSupported(LayerScheme s, List<PolicyModel.NamedLayer> chosen, Method method) {
    for (PolicyModel.NamedLayer n : chosen)
      if (!s.supports(n.layer()))
        throw new UserError(method.name().toLowerCase() + " does not support " + n.layer().getClass().getSimpleName()
            + " layers (" + n.name() + "); choose another --part or method");
  }
}

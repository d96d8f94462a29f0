package dev.rlcompress.compress.quantize;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of the quantization suite: one method, one part, one result graph. Every transformation
 * applied on the way (output centering, input equalization, the quantization itself) is recorded as its
 * own step of the provenance.
 */
public final class Quantizer {
  private Quantizer() {}

  /** The method's options with their defaults (e.g. {@code "ptsq"}); a user error for an unknown name. */
  public static QuantOptions defaults(String method) {
    return QuantOptions.defaults(method);
  }

  /**
   * The quantized policy and what a bit-packed deployment of its weights would take (binary only, else -1).
   *
   * @param calibrationStates the fp32 policy's own states the method calibrated or fine-tuned on (empty
   *     when it needed none), for checks on the same states without playing the episodes again
   */
  public record Result(QuantizedPolicy policy, long packedWeightBytes, List<float[]> calibrationStates) {}

  /**
   * @param states where calibration and fine-tuning states come from; collected once from the
   *     unmodified policy (only methods that {@link QuantOptions#needsStates() need states} use it)
   */
  public static Result quantize(PolicyModel fp32, QuantOptions options, Calibration.Source states) {
    PolicyModel m = fp32.actionOnly().requireFinite("the model to quantize");
    if (m.provenance().quantized())
      throw new UserError("the model is already quantized; start from fp32 weights");
    List<PolicyModel.NamedLayer> chosen = options.select(m);
    if (chosen.isEmpty())
      throw new UserError(options instanceof QuantOptions.Mixed ? "the precision assignment keeps every layer in fp32"
          : "no quantizable layer in part '" + options.part().label() + "' of this model");
    Set<LayerId> ids = new LinkedHashSet<>();
    for (PolicyModel.NamedLayer n : chosen) ids.add(n.id());
    for (PolicyModel.NamedLayer n : chosen) checkSupported(probe(options, n.id()), List.of(n), options.method());

    if (options.centerOutputs()) {
      m = OutputCentering.apply(m);
      m = m.withProvenance(m.provenance().withCompression(
          new CompressionStep.Reparametrization("output-centering", Part.HEAD, Map.of())));
    }
    // Collected once from the unmodified policy: centering keeps every greedy action and equalization is
    // an exact reparametrization, so rollouts of the rewritten policy would visit the same states.
    List<float[]> obs = options.needsStates() ? states.states(m) : List.of();
    String calibration = options.needsStates() ? states.describe(obs.size()) : null;
    if ((options instanceof QuantOptions.Ptdq p && p.equalizeInputs()) || (options instanceof QuantOptions.Ptsq s && s.equalizeInputs())) {
      m = InputEqualization.apply(m, obs);
      m = m.withProvenance(m.provenance().withCompression(new CompressionStep.Reparametrization("input-equalization",
          Part.ALL, Map.of("calibration", calibration))));
    }
    Map<String, String> params = new LinkedHashMap<>();
    long packed = -1;
    LayerScheme scheme = switch (options) {
      case QuantOptions.Ptdq p -> new DynamicInt8(p.perChannel());
      case QuantOptions.Fp16 f -> new Fp16Weights();
      case QuantOptions.Fp16Graph f -> new Fp16Graph();
      case QuantOptions.Int4 i -> new Int4Weights(i.blockSize());
      case QuantOptions.Mixed x -> {
        Map<LayerId, LayerScheme> byLayer = new LinkedHashMap<>();
        for (LayerId id : ids) byLayer.put(id, x.layers().get(id).scheme());
        yield new MixedScheme(byLayer);
      }
      case QuantOptions.Ptsq p -> {
        params.put("calibration", calibration);
        params.put("observer", p.observer().name());
        yield calibrated(m, chosen, p.observer(), p.perChannel(), obs);
      }
      case QuantOptions.Qat q -> {
        StaticInt8 s = calibrated(m, chosen, q.observer(), q.perChannel(), obs);
        m = QuantAwareTraining.finetune(m, obs, ids, new QuantAwareTraining.FakeQuant.Int8(s.inputRanges(), q.perChannel()),
            q.finetune());
        params.put("calibration", calibration);
        putFinetune(params, q.finetune());
        params.put("observer", q.observer().name());
        yield s;
      }
      case QuantOptions.Binary b -> {
        m = QuantAwareTraining.finetune(m, obs, ids, new QuantAwareTraining.FakeQuant.Binary(), b.finetune());
        packed = 0;
        for (PolicyModel.NamedLayer n : Part.weighted(m))
          packed += ids.contains(n.id()) ? BinaryWeights.packedBytes((Layer.Linear) n.layer()) : 4 * n.layer().parameterCount();
        params.put("calibration", calibration);
        putFinetune(params, b.finetune());
        yield new BinaryWeights();
      }
    };
    Map<String, String> all = new LinkedHashMap<>();
    all.put("scheme", scheme.describe());
    all.putAll(params);
    m = m.withProvenance(m.provenance().withCompression(new CompressionStep.Quantization(options.method(), options.part(), all)));
    return new Result(new QuantizedPolicy(m, scheme, ids), packed, obs);
  }

  private static void putFinetune(Map<String, String> params, Distiller.Config c) {
    params.put("finetune", Integer.toString(c.steps()));
    if (c.sharpened()) params.put("distill-tau", CompressionStep.number(c.temperature()));
  }

  /** A scheme of the method's kind for {@code layer}, to ask which layer kinds it supports before any calibration. */
  private static LayerScheme probe(QuantOptions o, LayerId layer) {
    return switch (o) {
      case QuantOptions.Mixed x -> x.layers().get(layer).scheme();
      case QuantOptions.Ptdq p -> new DynamicInt8(p.perChannel());
      case QuantOptions.Ptsq p -> new StaticInt8(p.perChannel(), Map.of(), Map.of());
      case QuantOptions.Qat q -> new StaticInt8(q.perChannel(), Map.of(), Map.of());
      case QuantOptions.Fp16 f -> new Fp16Weights();
      case QuantOptions.Fp16Graph f -> new Fp16Graph();
      case QuantOptions.Int4 i -> new Int4Weights(i.blockSize());
      case QuantOptions.Binary b -> new BinaryWeights();
    };
  }

  /** Static int8 with each chosen layer's input range (and a Conv's output range) from {@code observer}. */
  private static StaticInt8 calibrated(PolicyModel m, List<PolicyModel.NamedLayer> chosen, Observer observer,
      boolean perChannel, List<float[]> obs) {
    Map<LayerId, List<float[]>> acts = Calibration.activations(m, obs);
    Map<LayerId, QuantParams> in = new HashMap<>(), out = new HashMap<>();
    for (PolicyModel.NamedLayer n : chosen) {
      in.put(n.id(), range(observer, acts.get(n.id()), n.id()));
      if (n.layer() instanceof Layer.Conv2d) {
        LayerId next = Calibration.next(m, n.id());
        out.put(n.id(), range(observer, acts.get(next), n.id()));
      }
    }
    return new StaticInt8(perChannel, in, out);
  }

  private static QuantParams range(Observer o, List<float[]> acts, LayerId layer) {
    float[] r = o.range(acts);
    if (!Float.isFinite(r[0]) || !Float.isFinite(r[1]))
      throw new UserError("calibration of " + layer + " saw non-finite activations (NaN or Inf in the states or weights)");
    return QMath.affineU8(r[0], r[1]);
  }

  private static void checkSupported(LayerScheme s, List<PolicyModel.NamedLayer> chosen, String method) {
    for (PolicyModel.NamedLayer n : chosen)
      if (!s.supports(n.layer()))
        throw new UserError(method + " does not support " + n.layer().getClass().getSimpleName()
            + " layers (" + n.id() + "); choose another --part or method");
  }
}

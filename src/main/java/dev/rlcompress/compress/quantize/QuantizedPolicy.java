package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import java.util.List;
import java.util.Set;

/**
 * A policy with some weighted layers replaced by a {@link LayerScheme}: exports through the one
 * exporter, and runs the same arithmetic in Java for verification.
 *
 * @param model the fp32 action-only model, its provenance already carrying the compression step
 * @param selected the layers the scheme replaces
 */
public record QuantizedPolicy(PolicyModel model, LayerScheme scheme, Set<LayerId> selected) {
  public QuantizedPolicy {
    selected = Set.copyOf(selected);
  }

  public ModelProto toProto() {
    return scheme.finish(OnnxExporter.toProto(model,
        (g, layer, prefix, input, shape) -> selected.contains(prefix)
            ? scheme.write(g, layer, prefix, input, shape)
            : OnnxExporter.FP32.write(g, layer, prefix, input, shape),
        scheme.microsoftOps()));
  }

  /**
   * The reference output and a bound on how far a correct runtime may differ from it: each layer's
   * {@link LayerScheme#stepBound} propagated through the layers after it (activations are
   * 1-Lipschitz, a weighted layer multiplies by its ∞-norm).
   */
  public record Reference(float[] output, float bound) {}

  public Reference referenceWithBound(float[] obs) {
    float[] x = model.normalization() == null ? obs : model.normalization().apply(obs);
    int[] shape = model.inputShape();
    float bound = 0;
    for (PolicyModel.NamedLayer nl : model.actionPath()) {
      Layer l = nl.layer();
      LayerId name = nl.id();
      bound *= QuantBounds.infinityNorm(l);
      if (selected.contains(name)) {
        bound += scheme.stepBound(l, name, x, shape);
        x = scheme.reference(l, name, x, shape);
      } else {
        bound += QuantBounds.floatRounding(l, x, 1.2e-7f);
        x = Forward.apply(l, x, shape);
      }
      shape = Forward.shapeAfter(l, shape);
    }
    var kind = model.actionHead().kind();
    return new Reference(kind.finish(x), bound * kind.finishLipschitz());
  }
}

package dev.rlcompress.compress.quantize;

import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-feature input equalization before quantization. Raw observations mix scales (LunarLander: legs in
 * {0,1}, angular velocity near 0.1, positions near 1); one per-tensor uint8 scale for the first layer's
 * input then leaves the small features a handful of levels. Dividing feature i by s_i = max|x_i| over
 * the calibration states (in the model's normalization stage, computed in fp32) and multiplying column
 * i of the first layer's weights by s_i is an exact reparametrization in real arithmetic that gives every
 * feature the full range. Applies to MLP policies whose first weighted layer reads the observation and
 * that carry no normalization yet.
 */
public final class InputEqualization {
  private InputEqualization() {}

  public static boolean applicable(PolicyModel m) {
    return m.normalization() == null && m.trunk().isEmpty() && !m.actionHead().layers().isEmpty()
        && m.actionHead().layers().get(0) instanceof Layer.Linear;
  }

  public static PolicyModel apply(PolicyModel m, List<float[]> observations) {
    if (!applicable(m)) throw new dev.rlcompress.util.UserError(
        "input equalization needs an MLP policy without observation normalization");
    int n = m.inputSize();
    float[] s = new float[n];
    for (float[] o : observations) for (int i = 0; i < n; i++) s[i] = Math.max(s[i], Math.abs(o[i]));
    for (int i = 0; i < n; i++) if (s[i] == 0f) s[i] = 1f;
    Layer.Linear first = (Layer.Linear) m.actionHead().layers().get(0);
    float[] w = first.weight().clone();
    for (int o = 0; o < first.out(); o++) for (int i = 0; i < n; i++) w[o * n + i] *= s[i];
    List<Layer> layers = new ArrayList<>(m.actionHead().layers());
    layers.set(0, new Layer.Linear(first.in(), first.out(), w, first.bias()));
    Head h = new Head(m.actionHead().name(), m.actionHead().kind(), layers);
    // A clip bound far outside any observation: the normalization only rescales.
    return new PolicyModel(m.inputShape(), new Normalization(new float[n], s, 1e30f), m.trunk(), List.of(h), m.provenance());
  }
}

package dev.rlcompress.compress.quantize;

import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * Centres a discrete action head: the last Linear's rows and biases lose their mean over actions, so
 * every output drops by the same per-state amount (the mean Q-value or mean logit). The greedy action
 * and the softmax policy are unchanged exactly; what shrinks is the magnitude of the outputs and of the
 * last layer's weights, which is what int8 scales are sized by. DQN's Q-values share a large
 * state-value component while their action gaps are small; centering removes the shared part before
 * quantization rounds it.
 */
public final class OutputCentering {
  private OutputCentering() {}

  public static PolicyModel apply(PolicyModel m) {
    Head h = m.actionHead();
    if (!h.kind().isDiscrete()) throw new UserError("output centering applies to Q-value and logit heads only");
    List<Layer> layers = new ArrayList<>(h.layers());
    int last = -1;
    for (int i = 0; i < layers.size(); i++) if (layers.get(i) instanceof Layer.Linear) last = i;
    if (last < 0 || last != layers.size() - 1)
      throw new UserError("output centering needs the action head to end with a Linear layer");
    Layer.Linear l = (Layer.Linear) layers.get(last);
    float[] w = l.weight().clone(), b = l.bias().clone();
    double mb = 0;
    for (float v : b) mb += v;
    mb /= l.out();
    for (int i = 0; i < l.in(); i++) {
      double mean = 0;
      for (int o = 0; o < l.out(); o++) mean += w[o * l.in() + i];
      mean /= l.out();
      for (int o = 0; o < l.out(); o++) w[o * l.in() + i] -= (float) mean;
    }
    for (int o = 0; o < l.out(); o++) b[o] -= (float) mb;
    layers.set(last, new Layer.Linear(l.in(), l.out(), w, b));
    List<Head> heads = new ArrayList<>(m.heads());
    heads.set(0, new Head(h.name(), h.kind(), layers));
    return new PolicyModel(m.inputShape(), m.normalization(), m.trunk(), heads, m.provenance());
  }
}

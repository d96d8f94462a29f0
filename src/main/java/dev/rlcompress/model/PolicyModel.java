package dev.rlcompress.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The framework-neutral policy: what training produces, compression transforms, the exporter writes to
 * ONNX and the evaluator measures. Immutable.
 *
 * <p>Structure: optional observation normalization, a shared trunk, then one or more heads. The first
 * head is the action head; further heads (a critic) ride along for fine-tuning.
 *
 * @param inputShape observation shape without the batch dimension, e.g. [8] or [4, 84, 84]
 */
public record PolicyModel(
    int[] inputShape, Normalization normalization, List<Layer> trunk, List<Head> heads, Provenance provenance) {

  public PolicyModel {
    inputShape = inputShape.clone();
    trunk = List.copyOf(trunk);
    heads = List.copyOf(heads);
    if (heads.isEmpty()) throw new IllegalArgumentException("a policy needs at least one head");
    if (heads.get(0).kind() instanceof HeadKind.Value)
      throw new IllegalArgumentException("the first head must be an action head");
    Shapes.check(inputShape, trunk, heads);
    int size = 1;
    for (int d : inputShape) size *= d;
    if (normalization != null && !normalization.isUniform() && normalization.mean().length != size)
      throw new IllegalArgumentException("normalization has " + normalization.mean().length + " values for an input of " + size);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyModel m && java.util.Arrays.equals(inputShape, m.inputShape)
        && java.util.Objects.equals(normalization, m.normalization) && trunk.equals(m.trunk)
        && heads.equals(m.heads) && provenance.equals(m.provenance);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(java.util.Arrays.hashCode(inputShape), trunk, heads);
  }

  public Head actionHead() {
    return heads.get(0);
  }

  public int inputSize() {
    int n = 1;
    for (int d : inputShape) n *= d;
    return n;
  }

  /** Width of the action head's output (number of actions, or action dimensions). */
  public int outputSize() {
    return Shapes.outputSize(this, actionHead());
  }

  /** The model with only its action head: what gets deployed. */
  public PolicyModel actionOnly() {
    return heads.size() == 1 ? this : new PolicyModel(inputShape, normalization, trunk, List.of(actionHead()), provenance);
  }

  public PolicyModel withProvenance(Provenance p) {
    return new PolicyModel(inputShape, normalization, trunk, heads, p);
  }

  /** A layer with its place in the model (the name the exporter gives it). */
  public record NamedLayer(LayerId id, Layer layer) {}

  /** The trunk and the action head in execution order, named as in the exported graph. */
  public List<NamedLayer> actionPath() {
    List<NamedLayer> out = new ArrayList<>();
    for (int i = 0; i < trunk.size(); i++) out.add(new NamedLayer(LayerId.trunk(i), trunk.get(i)));
    Head h = actionHead();
    for (int i = 0; i < h.layers().size(); i++) out.add(new NamedLayer(LayerId.of(h, i), h.layers().get(i)));
    return out;
  }

  /** The layer at {@code id}. */
  public Layer layer(LayerId id) {
    if (id.inTrunk()) return trunk.get(id.index());
    for (Head h : heads) if (h.name().equals(id.branch())) return h.layers().get(id.index());
    throw new IllegalArgumentException("no layer " + id);
  }

  /**
   * The same model with every layer replaced by {@code f(id, layer)} (trunk and all heads): the one
   * place compression passes rebuild a model layer by layer.
   */
  public PolicyModel mapLayers(java.util.function.BiFunction<LayerId, Layer, Layer> f) {
    List<Layer> t = new ArrayList<>();
    for (int i = 0; i < trunk.size(); i++) t.add(f.apply(LayerId.trunk(i), trunk.get(i)));
    List<Head> hs = new ArrayList<>();
    for (Head h : heads) {
      List<Layer> ls = new ArrayList<>();
      for (int i = 0; i < h.layers().size(); i++) ls.add(f.apply(LayerId.of(h, i), h.layers().get(i)));
      hs.add(new Head(h.name(), h.kind(), ls));
    }
    return new PolicyModel(inputShape, normalization, t, hs, provenance);
  }

  /**
   * The first weight, bias or normalization constant that is NaN or infinite, named as in the graph
   * (e.g. {@code "q.0.weight"}); null when all are finite. Such a model computes nothing meaningful.
   */
  public String firstNonFinite() {
    if (normalization != null) {
      if (!Weights.finite(normalization.mean())) return "norm.mean";
      if (!Weights.finite(normalization.std())) return "norm.std";
    }
    for (NamedLayer n : allNamed()) {
      if (!Weights.finite(Layer.weights(n.layer()))) return n.id() + ".weight";
      if (!Weights.finite(Layer.bias(n.layer()))) return n.id() + ".bias";
    }
    return null;
  }

  /** Fails with one user-facing line when {@link #firstNonFinite()} finds a value; {@code what} names the model. */
  public PolicyModel requireFinite(String what) {
    String bad = firstNonFinite();
    if (bad != null) throw new dev.rlcompress.util.UserError(what + " has non-finite values (NaN or Inf) in " + bad);
    return this;
  }

  /** Every layer with its id: trunk, then each head's layers. */
  public List<NamedLayer> allNamed() {
    List<NamedLayer> all = new ArrayList<>();
    for (int i = 0; i < trunk.size(); i++) all.add(new NamedLayer(LayerId.trunk(i), trunk.get(i)));
    for (Head h : heads) for (int i = 0; i < h.layers().size(); i++) all.add(new NamedLayer(LayerId.of(h, i), h.layers().get(i)));
    return all;
  }

  /** Every layer in execution order: trunk, then each head's layers. */
  public List<Layer> allLayers() {
    List<Layer> all = new ArrayList<>(trunk);
    for (Head h : heads) all.addAll(h.layers());
    return all;
  }

  public long parameterCount() {
    long n = 0;
    for (Layer l : allLayers()) n += l.parameterCount();
    return n;
  }

  /** Java reference forward pass of one observation through the action head (float32 arithmetic). */
  public float[] forward(float[] observation) {
    return Forward.run(this, actionHead(), observation);
  }

  /** Java reference forward pass through a named head. */
  public float[] forward(String head, float[] observation) {
    for (Head h : heads) if (h.name().equals(head)) return Forward.run(this, h, observation);
    throw new IllegalArgumentException("no head named " + head);
  }
}

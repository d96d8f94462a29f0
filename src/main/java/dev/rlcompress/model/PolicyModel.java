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

  /** A layer with the name the exporter gives it ("trunk.3", "q.0"). */
  public record NamedLayer(String name, Layer layer) {}

  /** The trunk and the action head in execution order, named as in the exported graph. */
  public List<NamedLayer> actionPath() {
    List<NamedLayer> out = new ArrayList<>();
    for (int i = 0; i < trunk.size(); i++) out.add(new NamedLayer("trunk." + i, trunk.get(i)));
    Head h = actionHead();
    for (int i = 0; i < h.layers().size(); i++) out.add(new NamedLayer(h.name() + "." + i, h.layers().get(i)));
    return out;
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

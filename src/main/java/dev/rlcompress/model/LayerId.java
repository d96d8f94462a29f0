package dev.rlcompress.model;

/**
 * Where a layer sits in a policy: the trunk or a head, and its index there. Its text form
 * ({@code "trunk.3"}, {@code "q.0"}) is the prefix the exporter gives the layer's tensors, so one value
 * names a layer in the model, in calibration data, in pruning plans and in the ONNX graph.
 *
 * @param branch {@link #TRUNK} or a head's name
 * @param index position in that branch's layer list
 */
public record LayerId(String branch, int index) {
  public static final String TRUNK = "trunk";

  public LayerId {
    if (branch == null || branch.isEmpty() || index < 0) throw new IllegalArgumentException("bad layer id " + branch + "." + index);
  }

  public static LayerId trunk(int index) {
    return new LayerId(TRUNK, index);
  }

  public static LayerId of(Head head, int index) {
    return new LayerId(head.name(), index);
  }

  public boolean inTrunk() {
    return branch.equals(TRUNK);
  }

  /** The tensor-name prefix, e.g. {@code "q.0"}. */
  @Override
  public String toString() {
    return branch + "." + index;
  }
}

package dev.rlcompress.train.nn;

/**
 * What a backward pass computes. An actor update through a critic needs only the critic's input
 * gradient; skipping its parameter gradients saves a third of the critic's backward work.
 */
public enum Backprop {
  /** Parameter gradients into {@link Mlp#grads()}; no input gradient. */
  PARAMS,
  /** Only dLoss/dInput; {@link Mlp#grads()} is left untouched. */
  INPUT,
  /** Both. */
  BOTH;

  boolean params() {
    return this != INPUT;
  }

  boolean input() {
    return this != PARAMS;
  }
}

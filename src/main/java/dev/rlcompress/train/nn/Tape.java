package dev.rlcompress.train.nn;

/**
 * What a forward pass keeps for its backward pass: the activations of one batch. A tape belongs to the
 * network that made it and is overwritten by that network's next forward into the same tape.
 */
public interface Tape {
  /** Rows of the batch. */
  int batch();

  /**
   * The network's output, {@code [batch][outputs]} row-major. Owned by the tape: valid until the next
   * forward into it; copy what must outlive that.
   */
  float[] output();
}

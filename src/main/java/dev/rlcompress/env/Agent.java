package dev.rlcompress.env;

/** Something that picks actions: a trained policy, a compressed variant, a random baseline. */
public interface Agent {
  /** The action for a discrete-action environment. */
  default int discreteAction(float[] observation) {
    throw new UnsupportedOperationException("this agent produces continuous actions");
  }

  /** The action for a continuous-action environment. */
  default float[] continuousAction(float[] observation) {
    throw new UnsupportedOperationException("this agent produces discrete actions");
  }
}

package dev.rlcompress.train.nn;

import dev.rlcompress.model.Layer;

/** Element-wise activation after a linear layer. Derivatives are taken from the activation's output. */
public enum Activation {
  RELU,
  TANH,
  IDENTITY;

  /** The model-layer kind, for export; empty for {@link #IDENTITY}, which exports as no layer. */
  public java.util.Optional<Layer.Activation.Kind> kind() {
    return switch (this) {
      case RELU -> java.util.Optional.of(Layer.Activation.Kind.RELU);
      case TANH -> java.util.Optional.of(Layer.Activation.Kind.TANH);
      case IDENTITY -> java.util.Optional.empty();
    };
  }

  static Activation of(Layer.Activation.Kind kind) {
    return switch (kind) {
      case RELU -> RELU;
      case TANH -> TANH;
    };
  }
}

package dev.rlcompress.model;

import java.util.Arrays;

/** Shape inference over a policy, so an inconsistent model is rejected when built, not when run. */
final class Shapes {
  private Shapes() {}

  static void check(int[] inputShape, java.util.List<Layer> trunk, java.util.List<Head> heads) {
    int[] s = propagate(inputShape, trunk, "trunk");
    for (Head h : heads) {
      int[] out = propagate(s, h.layers(), "head " + h.name());
      if (out.length != 1) throw new IllegalArgumentException("head " + h.name() + " must end flat, got " + Arrays.toString(out));
    }
  }

  static int outputSize(PolicyModel m, Head h) {
    int[] s = propagate(propagate(m.inputShape(), m.trunk(), "trunk"), h.layers(), h.name());
    return s[0];
  }

  /** Shape after each layer, starting from {@code shape} (no batch dimension). */
  static int[] propagate(int[] shape, java.util.List<Layer> layers, String where) {
    int[] s = shape.clone();
    for (Layer l : layers) {
      s = switch (l) {
        case Layer.Linear lin -> {
          if (s.length != 1 || s[0] != lin.in())
            throw new IllegalArgumentException(where + ": " + lin + " receives shape " + Arrays.toString(s));
          yield new int[] {lin.out()};
        }
        case Layer.Conv2d c -> {
          if (s.length != 3 || s[0] != c.inChannels())
            throw new IllegalArgumentException(where + ": " + c + " receives shape " + Arrays.toString(s));
          int h = c.outSize(s[1]), w = c.outSize(s[2]);
          if (h <= 0 || w <= 0) throw new IllegalArgumentException(where + ": " + c + " leaves no output");
          yield new int[] {c.outChannels(), h, w};
        }
        case Layer.Activation a -> s;
        case Layer.Flatten f -> {
          int n = 1;
          for (int d : s) n *= d;
          yield new int[] {n};
        }
      };
    }
    return s;
  }
}

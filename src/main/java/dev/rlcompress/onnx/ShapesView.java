package dev.rlcompress.onnx;

import dev.rlcompress.model.Layer;
import java.util.List;

/** Shape after a run of layers (no batch dimension); mirrors the model's own shape inference. */
final class ShapesView {
  private ShapesView() {}

  static int[] after(int[] shape, List<Layer> layers) {
    int[] s = shape.clone();
    for (Layer l : layers) {
      s = switch (l) {
        case Layer.Linear lin -> new int[] {lin.out()};
        case Layer.Conv2d c -> new int[] {c.outChannels(), c.outSize(s[1]), c.outSize(s[2])};
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

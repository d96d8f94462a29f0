package dev.rlcompress.compress.quantize;

import dev.rlcompress.model.Layer;

/** Error-bound helpers for {@link LayerScheme#stepBound}. */
final class QuantBounds {
  private QuantBounds() {}

  static float maxAbs(Layer l) {
    float m = 0;
    for (float w : Layer.weights(l)) m = Math.max(m, Math.abs(w));
    return m;
  }

  /** Max over outputs of the absolute row sum: how much an input perturbation can grow. 1 for activations. */
  static float infinityNorm(Layer l) {
    float[] w = Layer.weights(l);
    if (w.length == 0) return 1f;
    int rows = l instanceof Layer.Linear lin ? lin.out() : ((Layer.Conv2d) l).outChannels();
    int cols = w.length / rows;
    float best = 0;
    for (int r = 0; r < rows; r++) {
      float s = 0;
      for (int c = 0; c < cols; c++) s += Math.abs(w[r * cols + c]);
      best = Math.max(best, s);
    }
    return best;
  }

  /** Summation-order error of a float dot product: n·u·max_o Σ|w·x| (bounded via max|x|·‖W‖∞). */
  static float floatRounding(Layer l, float[] x, float unitRoundoff) {
    float[] w = Layer.weights(l);
    if (w.length == 0) return 0f;
    float maxX = 0;
    for (float v : x) maxX = Math.max(maxX, Math.abs(v));
    int rows = l instanceof Layer.Linear lin ? lin.out() : ((Layer.Conv2d) l).outChannels();
    int n = w.length / rows;
    return (n + 2) * unitRoundoff * maxX * infinityNorm(l);
  }
}

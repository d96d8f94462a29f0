package dev.rlcompress.model;

/**
 * The Java reference forward pass: plain float32 loops, the numerical ground truth that exported
 * graphs and compressed variants are tested against. Also fast enough to drive rollouts during
 * training (no JNI crossing per environment step).
 */
public final class Forward {
  private Forward() {}

  /** Runs {@code layers} on one sample {@code x} of shape {@code shape} (no batch dimension). */
  public static float[] layers(java.util.List<Layer> layers, float[] x, int[] shape) {
    int[] s = shape;
    for (Layer l : layers) {
      x = apply(l, x, s);
      if (l instanceof Layer.Conv2d || l instanceof Layer.Flatten) s = Shapes.propagate(s, java.util.List.of(l), "");
    }
    return x;
  }

  /**
   * Runs the trunk and {@code head}, handing each layer's input to {@code inputs} under the same name
   * the exporter gives the layer ("trunk.3", "q.0", ...). Calibration of static quantization and
   * activation statistics for pruning use this. Returns the head's layers' output, before the head
   * kind's output stage ({@link HeadKind#finish}).
   */
  public static float[] trace(PolicyModel m, Head head, float[] obs, java.util.function.BiConsumer<LayerId, float[]> inputs) {
    float[] x = m.normalization() == null ? obs : m.normalization().apply(obs);
    int[] s = m.inputShape();
    for (int i = 0; i < m.trunk().size(); i++) {
      Layer l = m.trunk().get(i);
      inputs.accept(LayerId.trunk(i), x);
      x = apply(l, x, s);
      s = Shapes.propagate(s, java.util.List.of(l), "");
    }
    for (int i = 0; i < head.layers().size(); i++) {
      Layer l = head.layers().get(i);
      inputs.accept(LayerId.of(head, i), x);
      x = apply(l, x, s);
      s = Shapes.propagate(s, java.util.List.of(l), "");
    }
    return x;
  }

  static float[] run(PolicyModel m, Head head, float[] obs) {
    if (obs.length != m.inputSize())
      throw new IllegalArgumentException("observation has " + obs.length + " values, model expects " + m.inputSize());
    float[] x = m.normalization() == null ? obs : m.normalization().apply(obs);
    int[] shape = m.inputShape();
    x = layers(m.trunk(), x, shape);
    return head.kind().finish(layers(head.layers(), x, Shapes.propagate(shape, m.trunk(), "")));
  }

  /** Shape (no batch dimension) after {@code layer}. */
  public static int[] shapeAfter(Layer layer, int[] shape) {
    return Shapes.propagate(shape, java.util.List.of(layer), "");
  }

  /** One layer on one sample of shape {@code shape} (no batch dimension). */
  public static float[] apply(Layer l, float[] x, int[] shape) {
    return switch (l) {
      case Layer.Linear lin -> linear(lin, x);
      case Layer.Conv2d c -> conv(c, x, shape[1], shape[2]);
      case Layer.Activation a -> activation(a, x);
      case Layer.Flatten f -> x;
    };
  }

  static float[] linear(Layer.Linear l, float[] x) {
    float[] w = l.weight();
    float[] y = new float[l.out()];
    int in = l.in();
    for (int o = 0; o < l.out(); o++) {
      float acc = 0f;
      int base = o * in;
      for (int i = 0; i < in; i++) acc += w[base + i] * x[i];
      y[o] = acc + l.bias()[o];
    }
    return y;
  }

  static float[] activation(Layer.Activation a, float[] x) {
    float[] y = new float[x.length];
    switch (a.kind()) {
      case RELU -> {
        for (int i = 0; i < x.length; i++) y[i] = Math.max(0f, x[i]);
      }
      case TANH -> {
        for (int i = 0; i < x.length; i++) y[i] = (float) Math.tanh(x[i]);
      }
    }
    return y;
  }

  /**
   * Each output sums its taps in {@link Layer.Conv2d#forEachTap}'s order (input channel, kernel row,
   * kernel column), then adds the bias; written out here rather than through the tap callback, which the
   * JIT cannot inline where several callbacks share it (a pixel policy's forward pass went from tens of
   * milliseconds to a few).
   */
  static float[] conv(Layer.Conv2d c, float[] x, int h, int w) {
    int oh = c.outSize(h), ow = c.outSize(w), k = c.kernel(), stride = c.stride(), pad = c.padding(), in = c.inChannels();
    float[] weight = c.weight(), bias = c.bias(), out = new float[c.outChannels() * oh * ow];
    for (int oc = 0; oc < c.outChannels(); oc++)
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
          float acc = 0;
          for (int ic = 0; ic < in; ic++)
            for (int ky = 0; ky < k; ky++) {
              int iy = oy * stride - pad + ky;
              if (iy < 0 || iy >= h) continue;
              int wRow = ((oc * in + ic) * k + ky) * k, xRow = (ic * h + iy) * w;
              for (int kx = 0; kx < k; kx++) {
                int ix = ox * stride - pad + kx;
                if (ix >= 0 && ix < w) acc += weight[wRow + kx] * x[xRow + ix];
              }
            }
          out[(oc * oh + oy) * ow + ox] = acc + bias[oc];
        }
    return out;
  }
}

package dev.rlcompress.model;

import java.util.Arrays;

/**
 * One layer of a policy network. Sealed: compression passes, the exporter and the Java reference
 * forward pass each handle every kind explicitly, so a new kind cannot be silently ignored.
 *
 * <p>Weight arrays are owned by the layer and never mutated after construction; transformations build
 * new layers.
 */
public sealed interface Layer permits Layer.Linear, Layer.Conv2d, Layer.Activation, Layer.Flatten {

  /** Whether the layer has weights (Linear, Conv2d): what compression methods act on. */
  static boolean weighted(Layer l) {
    return l instanceof Linear || l instanceof Conv2d;
  }

  /** Weights of a Linear ([out][in]) or Conv2d ([out][in][k][k]); empty for other layers. */
  static float[] weights(Layer l) {
    return switch (l) {
      case Linear lin -> lin.weight();
      case Conv2d c -> c.weight();
      default -> new float[0];
    };
  }

  /** Biases of a Linear or Conv2d; empty for other layers. */
  static float[] bias(Layer l) {
    return switch (l) {
      case Linear lin -> lin.bias();
      case Conv2d c -> c.bias();
      default -> new float[0];
    };
  }

  /** Number of trainable scalars. */
  default long parameterCount() {
    return 0;
  }

  /** Fully connected: {@code y = W x + b}, W stored row-major as [out][in]. */
  record Linear(int in, int out, float[] weight, float[] bias) implements Layer {
    public Linear {
      if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear needs positive sizes");
      if (weight.length != in * out)
        throw new IllegalArgumentException("Linear weight has " + weight.length + " values, expected " + in * out);
      if (bias.length != out) throw new IllegalArgumentException("Linear bias must have " + out + " values");
    }

    public float w(int o, int i) {
      return weight[o * in + i];
    }

    @Override
    public long parameterCount() {
      return (long) weight.length + bias.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Linear l && in == l.in && out == l.out
          && Arrays.equals(weight, l.weight) && Arrays.equals(bias, l.bias);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(weight) * 31 + Arrays.hashCode(bias);
    }

    @Override
    public String toString() {
      return "Linear(" + in + "->" + out + ")";
    }
  }

  /** 2-D convolution over NCHW input, weight [outC][inC][k][k], square kernel, symmetric padding. */
  record Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, float[] weight, float[] bias)
      implements Layer {
    public Conv2d {
      if (weight.length != outChannels * inChannels * kernel * kernel)
        throw new IllegalArgumentException("Conv2d weight size mismatch");
      if (bias.length != outChannels) throw new IllegalArgumentException("Conv2d bias size mismatch");
      if (stride <= 0 || kernel <= 0 || padding < 0) throw new IllegalArgumentException("bad Conv2d geometry");
    }

    public int outSize(int in) {
      return (in + 2 * padding - kernel) / stride + 1;
    }

    /** One multiply of a convolution: output element, weight element and input element (flat NCHW indices). */
    public interface Tap {
      void accept(int out, int weight, int input);
    }

    /**
     * Visits every multiply of this convolution over an h×w input, in output order and, within an
     * output, input channel, kernel row, kernel column; taps that fall in the padding are skipped. The
     * one loop nest that float and integer convolutions share.
     */
    public void forEachTap(int h, int w, Tap tap) {
      int oh = outSize(h), ow = outSize(w);
      for (int oc = 0; oc < outChannels; oc++)
        for (int oy = 0; oy < oh; oy++)
          for (int ox = 0; ox < ow; ox++) {
            int out = (oc * oh + oy) * ow + ox;
            for (int ic = 0; ic < inChannels; ic++)
              for (int ky = 0; ky < kernel; ky++) {
                int iy = oy * stride - padding + ky;
                if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kernel; kx++) {
                  int ix = ox * stride - padding + kx;
                  if (ix < 0 || ix >= w) continue;
                  tap.accept(out, ((oc * inChannels + ic) * kernel + ky) * kernel + kx, (ic * h + iy) * w + ix);
                }
              }
          }
    }

    @Override
    public long parameterCount() {
      return (long) weight.length + bias.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Conv2d c && inChannels == c.inChannels && outChannels == c.outChannels
          && kernel == c.kernel && stride == c.stride && padding == c.padding
          && Arrays.equals(weight, c.weight) && Arrays.equals(bias, c.bias);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(weight);
    }

    @Override
    public String toString() {
      return "Conv2d(" + inChannels + "->" + outChannels + ", k" + kernel + " s" + stride + " p" + padding + ")";
    }
  }

  /** Element-wise nonlinearity. */
  record Activation(Kind kind) implements Layer {
    public enum Kind {
      RELU,
      TANH
    }
  }

  /** NCHW to N×(C·H·W), channel-major, as ONNX Flatten(axis=1) and torch.flatten do. */
  record Flatten() implements Layer {}
}

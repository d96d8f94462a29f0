package dev.rlcompress.compress.quantize;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.Fixtures;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.runtime.Policy;
import dev.rlcompress.train.Mlp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each quantized graph, run in ONNX Runtime, against the fp32 model it was made from, within an error
 * bound derived here from the scales stored in the graph: a weight stored with scale s is off by at most
 * s/2, an activation quantized with scale s by at most s (s/2 plus a possible clamp of the top code)
 * plus its distance to a static range, errors grow through a layer by Σ|w| and pass ReLU unchanged.
 * Nothing here calls {@link QMath} or the graph writers' helpers, and the stored scales must also be the
 * tight ones (max|w|/127, max|w|/7): a wrong scale either breaks the bound or fails the tightness check.
 */
class QuantizedAccuracyTest {
  static PolicyModel dqn;
  static List<float[]> states;
  static final double FP16_U = Math.pow(2, -11);

  @BeforeAll
  static void fixtures() {
    Mlp net = new Mlp(new int[] {8, 128, 128, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(21));
    dqn = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 21, Map.of(), 0, List.of()));
    states = Fixtures.lunarLanderStates(300, 8);
  }

  static Map<String, TensorProto> initializers(ModelProto p) {
    Map<String, TensorProto> m = new HashMap<>();
    for (TensorProto t : p.getGraph().getInitializerList()) m.put(t.getName(), t);
    return m;
  }

  static float[] floats(TensorProto t) {
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  static float scalar(TensorProto t) {
    return floats(t)[0];
  }

  static int uint8(TensorProto t) {
    return t.getRawData().byteAt(0) & 0xff;
  }

  /** What the graph stores for layer {@code k} of the action head (a Linear at position 2k). */
  interface Scheme {
    /** Bound on |ŵ_oi − w_oi| for output o, column i. */
    double weightError(int layer, Layer.Linear l, int o, int i);

    /** Bound on |x̂_i − x_i| beyond the incoming error e, for the layer's input x (exact) and incoming bound e. */
    double[] inputError(int layer, float[] x, double[] e);

    /** Bound on the bias error of output o. */
    default double biasError(int layer, Layer.Linear l, int o) {
      return 0;
    }

    /** Relative error of the layer's arithmetic (summation order, fp16 rounding of results). */
    default double arithmetic(int in) {
      return 1e-5;
    }

    /** Per-output weight scales of each Linear, as stored. */
    record WeightScales(List<float[]> scales) {}
  }

  /**
   * Per-output bound on |ORT − fp32| for one observation, propagated layer by layer with one bound per
   * element: a ReLU whose input stays negative within its bound outputs exactly 0 on both sides.
   */
  static double[] bound(PolicyModel m, Scheme s, float[] obs) {
    float[] x = obs;
    double[] e = new double[obs.length];
    int k = 0;
    for (Layer layer : m.actionHead().layers()) {
      if (layer instanceof Layer.Linear l) {
        double[] dx = s.inputError(k, x, e);
        float[] y = new float[l.out()];
        double[] b = new double[l.out()];
        for (int o = 0; o < l.out(); o++) {
          double acc = l.bias()[o], mag = Math.abs(l.bias()[o]), err = s.biasError(k, l, o);
          for (int i = 0; i < l.in(); i++) {
            double w = l.w(o, i), dw = s.weightError(k, l, o, i), xi = Math.abs(x[i]) + e[i] + dx[i];
            acc += w * x[i];
            err += Math.abs(w) * (e[i] + dx[i]) + dw * xi;
            mag += (Math.abs(w) + dw) * xi;
          }
          y[o] = (float) acc;
          b[o] = err + s.arithmetic(l.in()) * mag + 1e-6;
        }
        x = y;
        e = b;
        k++;
      } else { // ReLU is 1-Lipschitz, and exact where both sides are negative
        float[] r = new float[x.length];
        double[] er = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          r[i] = Math.max(0f, x[i]);
          er[i] = x[i] + e[i] <= 0 ? 0 : e[i];
        }
        x = r;
        e = er;
      }
    }
    return e;
  }

  static void check(String name, Quantizer.Result r, Scheme s) {
    PolicyModel m = r.policy().model();
    ModelProto proto = r.policy().toProto();
    double worst = 0, moved = 0;
    try (Policy ort = Policy.of(proto, name, "ort")) {
      for (float[] o : states) {
        float[] y = ort.run(o), ref = m.forward(o);
        double[] b = bound(m, s, o);
        for (int k = 0; k < y.length; k++) {
          double diff = Math.abs(y[k] - ref[k]);
          assertTrue(diff <= b[k], name + ": output " + k + " off by " + diff + " > bound " + b[k]);
          worst = Math.max(worst, diff / b[k]);
          moved = Math.max(moved, diff / (1e-4 + Math.abs(ref[k])));
        }
      }
    }
    assertTrue(moved > 1e-4, name + ": the output never moves beyond float rounding (largest error " + worst + " of its bound); the arithmetic is not quantized");
  }

  /** Symmetric int8 per output channel: scale max|w_o|/127, error s/2; checks the stored scales are that tight. */
  static Scheme.WeightScales int8Weights(ModelProto p, PolicyModel m) {
    Map<String, TensorProto> init = initializers(p);
    List<float[]> scales = new java.util.ArrayList<>();
    int k = 0;
    for (Layer layer : m.actionHead().layers())
      if (layer instanceof Layer.Linear l) {
        float[] s = floats(init.get("q." + (2 * k) + ".weight_scale"));
        assertEquals(l.out(), s.length, "per-channel scales");
        for (int o = 0; o < l.out(); o++) {
          double max = 0;
          for (int i = 0; i < l.in(); i++) max = Math.max(max, Math.abs(l.w(o, i)));
          assertEquals(max / 127, s[o], 1e-6 * max, "tight int8 scale of q." + 2 * k + " row " + o);
        }
        scales.add(s);
        k++;
      }
    return new Scheme.WeightScales(scales);
  }

  @Test
  void dynamicInt8() {
    Quantizer.Result r = Quantizer.quantize(dqn, Quantizer.defaults("ptdq"), null);
    Scheme.WeightScales w = int8Weights(r.policy().toProto(), r.policy().model());
    check("ptdq", r, new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        return w.scales().get(k)[o] / 2;
      }

      public double[] inputError(int k, float[] x, double[] e) {
        double hi = 0, lo = 0;
        for (int i = 0; i < x.length; i++) {
          hi = Math.max(hi, x[i] + e[i]);
          lo = Math.min(lo, x[i] - e[i]);
        }
        double[] d = new double[x.length];
        java.util.Arrays.fill(d, (hi - lo) / 255); // the per-call scale, at most a full step after the top clamp
        return d;
      }
    });
  }

  static Scheme staticInt8(ModelProto p, PolicyModel m) {
    Map<String, TensorProto> init = initializers(p);
    Scheme.WeightScales w = int8Weights(p, m);
    return new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        return w.scales().get(k)[o] / 2;
      }

      public double[] inputError(int k, float[] x, double[] e) {
        float s = scalar(init.get("q." + 2 * k + ".input_scale"));
        int zp = uint8(init.get("q." + 2 * k + ".input_zero_point"));
        double lo = -zp * (double) s, hi = (255 - zp) * (double) s;
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = s / 2.0 + Math.max(0, Math.max(x[i] + e[i] - hi, lo - x[i] + e[i]));
        return d;
      }

      public double biasError(int k, Layer.Linear l, int o) {
        return scalar(init.get("q." + 2 * k + ".input_scale")) * w.scales().get(k)[o] / 2;
      }
    };
  }

  @Test
  void staticInt8WithClippingObservers() {
    Calibration.Source cal = new Calibration.Given(states.subList(0, 100)); // the other 200 states can leave the range
    for (Observer o : List.of(new Observer.MinMax(), new Observer.Percentile(99.0), new Observer.Mse(2048))) {
      Quantizer.Result r = Quantizer.quantize(dqn, new QuantOptions.Ptsq(Part.ALL, true, o, false, false), cal);
      check("ptsq-" + o.name(), r, staticInt8(r.policy().toProto(), r.policy().model()));
      if (o instanceof Observer.MinMax) assertMinMaxInputScales(r.policy().toProto(), states.subList(0, 100));
    }
    Quantizer.Result qat = Quantizer.quantize(dqn, new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(),
        Distiller.Config.of(20, 1e-4), false), cal);
    check("qat", qat, staticInt8(qat.policy().toProto(), qat.policy().model()));
  }

  /**
   * Min-max calibration stores, for each layer input, scale (max(0, hi) − min(0, lo)) / 255 of that
   * input over the calibration states: recomputed here with a plain forward pass.
   */
  static void assertMinMaxInputScales(ModelProto p, List<float[]> calibration) {
    Map<String, TensorProto> init = initializers(p);
    List<Layer> layers = dqn.actionHead().layers();
    double[] lo = new double[layers.size()], hi = new double[layers.size()];
    for (float[] o : calibration) {
      float[] x = o;
      for (int j = 0; j < layers.size(); j++) {
        for (float v : x) {
          lo[j] = Math.min(lo[j], v);
          hi[j] = Math.max(hi[j], v);
        }
        x = dev.rlcompress.model.Forward.apply(layers.get(j), x, new int[] {x.length});
      }
    }
    for (int j = 0; j < layers.size(); j += 2)
      assertEquals((hi[j] - lo[j]) / 255, scalar(init.get("q." + j + ".input_scale")), 1e-6 * (hi[j] - lo[j]),
          "min-max scale of q." + j + "'s input");
  }

  @Test
  void int4Blocks() {
    Quantizer.Result r = Quantizer.quantize(dqn, Quantizer.defaults("int4"), null);
    ModelProto p = r.policy().toProto();
    Map<String, TensorProto> init = initializers(p);
    long block = 0;
    for (NodeProto n : p.getGraph().getNodeList())
      if (n.getOpType().equals("MatMulNBits"))
        for (var a : n.getAttributeList()) if (a.getName().equals("block_size")) block = a.getI();
    assertEquals(32, block);
    int bs = (int) block;
    check("int4", r, new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        float[] s = floats(init.get("q." + 2 * k + ".weight_scale"));
        int blocks = (l.in() + bs - 1) / bs, b = i / bs;
        double max = 0;
        for (int j = b * bs; j < Math.min(l.in(), (b + 1) * bs); j++) max = Math.max(max, Math.abs(l.w(o, j)));
        assertEquals(max / 7, s[o * blocks + b], 1e-6 * max, "tight int4 block scale");
        return s[o * blocks + b] / 2;
      }

      public double[] inputError(int k, float[] x, double[] e) {
        return new double[x.length];
      }
    });
  }

  @Test
  void fp16WeightsAndGraph() {
    check("fp16", Quantizer.quantize(dqn, Quantizer.defaults("fp16"), null), new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        return Math.abs(l.w(o, i)) * FP16_U + Math.pow(2, -25);
      }

      public double biasError(int k, Layer.Linear l, int o) {
        return Math.abs(l.bias()[o]) * FP16_U + Math.pow(2, -25);
      }

      public double[] inputError(int k, float[] x, double[] e) {
        return new double[x.length];
      }
    });
    check("fp16-graph", Quantizer.quantize(dqn, new QuantOptions.Fp16Graph(false), null), new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        return Math.abs(l.w(o, i)) * FP16_U + Math.pow(2, -25);
      }

      public double biasError(int k, Layer.Linear l, int o) {
        return Math.abs(l.bias()[o]) * FP16_U + Math.pow(2, -25);
      }

      public double[] inputError(int k, float[] x, double[] e) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = (Math.abs(x[i]) + e[i]) * FP16_U + Math.pow(2, -25);
        return d;
      }

      public double arithmetic(int in) {
        return (in + 2) * FP16_U; // fp16 accumulation and result rounding
      }
    });
  }

  @Test
  void binaryWeights() {
    Quantizer.Result r = Quantizer.quantize(dqn, new QuantOptions.Binary(Part.ALL, Distiller.Config.of(20, 1e-3), false),
        new Calibration.Given(states.subList(0, 100)));
    Map<String, TensorProto> init = initializers(r.policy().toProto());
    check("binary", r, new Scheme() {
      public double weightError(int k, Layer.Linear l, int o, int i) {
        float alpha = floats(init.get("q." + 2 * k + ".weight_scale"))[o];
        double mean = 0;
        for (int j = 0; j < l.in(); j++) mean += Math.abs(l.w(o, j));
        assertEquals(mean / l.in(), alpha, 1e-5 * alpha, "alpha is the row's mean |w|");
        float w = l.w(o, i);
        return Math.abs(w - (w >= 0 ? alpha : -alpha)) * (1 + 1e-6);
      }

      public double[] inputError(int k, float[] x, double[] e) {
        return new double[x.length];
      }
    });
  }
}

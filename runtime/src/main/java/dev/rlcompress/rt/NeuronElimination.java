package dev.rlcompress.rt;

import dev.rlcompress.rt.kernel.Elementwise;
import dev.rlcompress.rt.kernel.Lanes;
import dev.rlcompress.rt.kernel.Scratch;
import dev.rlcompress.rt.kernel.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes, at load time, the hidden neurons of a float MLP that cannot change its output: a neuron
 * whose incoming weights are all zero outputs a constant, act(bias), which is folded into the next
 * layer's bias; a neuron whose outgoing weights are all zero is read by nothing. Unstructured pruning
 * leaves many of both. At 90% per layer, the DQN's 8→256 layer keeps 0.8 weights per neuron on
 * average, so 117 of its 256 neurons have none left, and its 256→4 output layer reads only 42 of the
 * 256 neurons below it; the 256×256 layer between them, 95% of the network's work, shrinks to the
 * neurons that are both fed and read. That turns unstructured zeros into the smaller dense (or
 * sparse) layers the kernels run fast, which zero-skipping alone cannot.
 *
 * <p>Exact up to float rounding: a folded constant is added to the bias before, not among, the
 * remaining products. The network's inputs and outputs are never removed, nor the last neuron of a
 * layer. Only float fully connected layers take part, with nothing between them but a fused ReLU or
 * an elementwise step that treats every feature alike (Relu, Tanh, Clip, quantize-dequantize); any
 * other step (quantized or binary layers, per-feature arithmetic, fp16 rounding, convolutions) ends a
 * run of layers.
 */
final class NeuronElimination {
  private NeuronElimination() {}

  /**
   * A float fully connected layer while the compiler plans: {@code y = max(W x + b, floor)}, W
   * row-major [out][in]. Not runnable; {@link Compiler} turns it into a kernel afterwards.
   */
  record FloatLayer(float[] weight, float[] bias, int in, int out, float floor) implements Step {
    @Override
    public int inWidth() {
      return in;
    }

    @Override
    public int outWidth() {
      return out;
    }

    @Override
    public void run(float[] x, float[] y, int batch, Scratch s) {
      throw new IllegalStateException("a planned layer, not a kernel");
    }

    @Override
    public String describe() {
      return "planned dense " + in + "x" + out;
    }
  }

  /** The steps with every removable neuron of every run of float layers removed. */
  static List<Step> apply(List<Step> steps) {
    List<Step> out = new ArrayList<>(steps);
    int i = 0;
    while (i < out.size()) {
      if (!(out.get(i) instanceof FloatLayer)) {
        i++;
        continue;
      }
      List<Integer> layers = new ArrayList<>(List.of(i)); // positions of one run of float layers
      int j = i;
      while (true) {
        int next = j + 1;
        if (next < out.size() && out.get(next) instanceof Elementwise e && uniform(e)) next++;
        if (next < out.size() && out.get(next) instanceof FloatLayer) {
          layers.add(next);
          j = next;
        } else break;
      }
      if (layers.size() > 1) simplify(out, layers);
      i = j + 1;
    }
    return out;
  }

  /** Whether every operation treats all features alike (no per-feature constants, no fp16 rounding). */
  private static boolean uniform(Elementwise e) {
    for (Elementwise.Op op : e.ops())
      if (!(op instanceof Elementwise.Relu || op instanceof Elementwise.Tanh || op instanceof Elementwise.Clip
          || op instanceof Elementwise.Qdq)) return false;
    return true;
  }

  /** Removes neurons between consecutive layers of one run until none more can go. */
  private static void simplify(List<Step> steps, List<Integer> layers) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int k = 0; k + 1 < layers.size(); k++) changed |= boundary(steps, layers.get(k), layers.get(k + 1));
    }
  }

  /**
   * The hidden neurons between the layers at positions {@code a} and {@code b} (an elementwise step may
   * sit between): removes those fed by nothing (folding their constant into b's bias) or read by
   * nothing. Returns whether any was removed.
   */
  private static boolean boundary(List<Step> steps, int a, int b) {
    FloatLayer la = (FloatLayer) steps.get(a), lb = (FloatLayer) steps.get(b);
    Elementwise between = b == a + 2 ? (Elementwise) steps.get(a + 1) : null;
    int n = la.out();
    boolean[] keep = new boolean[n];
    float[] bias = lb.bias().clone();
    int kept = 0;
    for (int h = 0; h < n; h++) {
      boolean read = false, fed = false;
      for (int o = 0; o < lb.out() && !read; o++) read = lb.weight()[o * n + h] != 0f;
      for (int i = 0; i < la.in() && !fed; i++) fed = la.weight()[h * la.in() + i] != 0f;
      keep[h] = read && fed;
      if (read && !fed) {
        float c = activate(Math.max(la.bias()[h], la.floor()), between);
        for (int o = 0; o < lb.out(); o++) bias[o] += lb.weight()[o * n + h] * c;
      }
      if (keep[h]) kept++;
    }
    if (kept == n) return false;
    if (kept == 0) return false; // a layer keeps at least one neuron; a network this dead is left as written
    float[] wa = new float[kept * la.in()], ba = new float[kept], wb = new float[lb.out() * kept];
    for (int h = 0, r = 0; h < n; h++) {
      if (!keep[h]) continue;
      System.arraycopy(la.weight(), h * la.in(), wa, r * la.in(), la.in());
      ba[r] = la.bias()[h];
      for (int o = 0; o < lb.out(); o++) wb[o * kept + r] = lb.weight()[o * n + h];
      r++;
    }
    steps.set(a, new FloatLayer(wa, ba, la.in(), kept, la.floor()));
    if (between != null) steps.set(a + 1, new Elementwise(kept, between.ops()));
    steps.set(b, new FloatLayer(wb, bias, kept, lb.out(), lb.floor()));
    return true;
  }

  /** The elementwise step's value for one input, computed by the step itself (so the constant is what the kernel would produce). */
  private static float activate(float v, Elementwise e) {
    if (e == null) return v;
    Elementwise one = new Elementwise(1, e.ops());
    float[] x = new float[Lanes.stride(1)], y = new float[Lanes.stride(1)];
    x[0] = v;
    Scratch s = new Scratch();
    s.ensure(1, Lanes.stride(1), 0);
    one.run(x, one.inPlace() ? x : y, 1, s);
    return one.inPlace() ? x[0] : y[0];
  }
}

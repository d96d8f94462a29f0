package dev.rlcompress.rt;

import dev.rlcompress.rt.onnx.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain scalar evaluator for the float MLP graphs rlc writes (normalization, Gemm, ReLU/tanh, the
 * action stage): what {@link RlcPolicy.Startup#FAST} answers with while the vector kernels are compiled
 * on another thread. In a fresh JVM the Vector API's first use costs ~40 ms of class set-up and runs
 * ~100× slower than scalar code until the JIT has compiled it; this class uses no vector operation, so
 * a fresh JVM answers its first call within tens of milliseconds of reading the file.
 *
 * <p>It covers exactly one chain of float operators with constant (initializer) operands: Identity,
 * Flatten, Relu, Tanh, Sub/Div/Add/Mul/Max/Min against a scalar or per-feature constant, Clip, and
 * Gemm with float weights. Anything else (quantized, half-precision or sparse forms, convolutions)
 * makes {@link #of} return null and the policy compiles before its first answer, as it always did.
 * Sums are accumulated in double, so its answers agree with the vector kernels' to float rounding,
 * not bit for bit.
 */
final class Interpreter {
  // Plain interfaces and records, no pattern switch and no lambda: a switch on types and a lambda each
  // bootstrap through invokedynamic on first use, tens of milliseconds in a fresh JVM, which is what
  // this class exists to avoid.

  /** One operator: computes in place where the width stays, or returns a new array. */
  private interface Op {
    float[] apply(float[] x);
  }

  private record Relu() implements Op {
    public float[] apply(float[] x) {
      for (int i = 0; i < x.length; i++) x[i] = Math.max(x[i], 0f);
      return x;
    }
  }

  private record Tanh() implements Op {
    public float[] apply(float[] x) {
      for (int i = 0; i < x.length; i++) x[i] = (float) Math.tanh(x[i]);
      return x;
    }
  }

  private enum ArithKind { SUB, DIV, ADD, MUL, MAX, MIN }

  /** x op c, with c a scalar or one value per feature; the operator resolved once, at build. */
  private record Arith(ArithKind op, float[] c) implements Op {
    public float[] apply(float[] x) {
      for (int i = 0; i < x.length; i++) {
        float v = x[i], k = c[c.length == 1 ? 0 : i];
        x[i] = switch (op) {
          case SUB -> v - k;
          case DIV -> v / k;
          case ADD -> v + k;
          case MUL -> v * k;
          case MAX -> Math.max(v, k);
          case MIN -> Math.min(v, k);
        };
      }
      return x;
    }
  }

  private record Clip(float lo, float hi) implements Op {
    public float[] apply(float[] x) {
      for (int i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i], lo), hi);
      return x;
    }
  }

  /** y = W x + bias, W row-major [out][in] with Gemm's alpha and beta folded in; sums in double. */
  private record Gemm(float[] w, float[] bias, int in, int out) implements Op {
    public float[] apply(float[] x) {
      float[] y = new float[out];
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int i = 0, r = o * in; i < in; i++) s += (double) w[r + i] * x[i];
        y[o] = (float) s;
      }
      return y;
    }
  }

  /** Identity, or Flatten of a flat activation: nothing to compute. */
  private record Pass() implements Op {
    public float[] apply(float[] x) {
      return x;
    }
  }

  private final List<Op> ops;
  final int inputSize, outputSize;

  private Interpreter(List<Op> ops, int inputSize, int outputSize) {
    this.ops = ops;
    this.inputSize = inputSize;
    this.outputSize = outputSize;
  }

  /**
   * The evaluator of the chain from the graph's input to {@code output}, or null where it does not
   * cover the graph (each builder below returns null for a form it does not cover).
   */
  static Interpreter of(Onnx.Graph g, String output) {
    Onnx.ValueInfo input = g.dataInput();
    if (input == null || input.elemType() != Onnx.FLOAT || input.dims().length != 2 || input.dims()[1] <= 0) return null;
    Map<String, List<Onnx.Node>> consumers = new HashMap<>();
    for (Onnx.Node n : g.nodes())
      for (String i : n.inputs()) {
        List<Onnx.Node> c = consumers.get(i);
        if (c == null) consumers.put(i, c = new ArrayList<>());
        c.add(n);
      }
    int width = (int) input.dims()[1], in = width;
    List<Op> ops = new ArrayList<>();
    String x = input.name();
    while (!x.equals(output)) {
      List<Onnx.Node> next = consumers.getOrDefault(x, List.of());
      if (next.size() != 1) return null;
      Onnx.Node n = next.getFirst();
      if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) return null;
      Op op = switch (n.op()) {
        case "Identity" -> new Pass();
        case "Flatten" -> n.intAttr("axis", 1) == 1 ? new Pass() : null;
        case "Relu" -> new Relu();
        case "Tanh" -> new Tanh();
        case "Sub", "Div", "Add", "Mul", "Max", "Min" -> arith(g, n, x, width);
        case "Clip" -> clip(g, n);
        case "Gemm" -> gemm(g, n, x, width);
        default -> null;
      };
      if (op == null) return null;
      ops.add(op);
      if (op instanceof Gemm gm) width = gm.out();
      x = n.outputs().getFirst();
    }
    return new Interpreter(List.copyOf(ops), in, width);
  }

  private static float[] constant(Onnx.Graph g, String name) {
    Onnx.Tensor t = name.isEmpty() ? null : g.initializers().get(name);
    return t == null || t.dataType() != Onnx.FLOAT || t.storedNonzeros() >= 0 ? null : t.floats();
  }

  private static Op arith(Onnx.Graph g, Onnx.Node n, String x, int width) {
    boolean xFirst = n.input(0).equals(x);
    float[] c = constant(g, xFirst ? n.input(1) : n.input(0));
    boolean commutes = !n.op().equals("Sub") && !n.op().equals("Div");
    if (c == null || (!xFirst && !commutes) || (c.length != 1 && c.length != width)) return null;
    return new Arith(ArithKind.valueOf(n.op().toUpperCase(java.util.Locale.ROOT)), c);
  }

  private static Op clip(Onnx.Graph g, Onnx.Node n) {
    float lo = n.floatAttr("min", Float.NEGATIVE_INFINITY), hi = n.floatAttr("max", Float.POSITIVE_INFINITY);
    for (int k = 1; k <= 2; k++) {
      if (n.input(k).isEmpty()) continue;
      float[] c = constant(g, n.input(k));
      if (c == null || c.length != 1) return null;
      if (k == 1) lo = c[0];
      else hi = c[0];
    }
    return new Clip(lo, hi);
  }

  private static Op gemm(Onnx.Graph g, Onnx.Node n, String x, int width) {
    Onnx.Tensor wt = g.initializers().get(n.input(1));
    if (!n.input(0).equals(x) || n.intAttr("transA", 0) != 0 || wt == null || wt.dims().length != 2) return null;
    float[] v = constant(g, n.input(1));
    if (v == null) return null;
    boolean transB = n.intAttr("transB", 0) != 0;
    int in = (int) (transB ? wt.dims()[1] : wt.dims()[0]), out = (int) (transB ? wt.dims()[0] : wt.dims()[1]);
    if (in != width) return null;
    float alpha = n.floatAttr("alpha", 1f), beta = n.floatAttr("beta", 1f);
    float[] w = new float[in * out];
    for (int o = 0; o < out; o++)
      for (int i = 0; i < in; i++) w[o * in + i] = alpha * (transB ? v[o * in + i] : v[i * out + o]);
    float[] bias = new float[out];
    if (!n.input(2).isEmpty()) {
      float[] c = constant(g, n.input(2));
      if (c == null || (c.length != 1 && c.length != out)) return null;
      for (int o = 0; o < out; o++) bias[o] = beta * (c.length == 1 ? c[0] : c[o]);
    }
    return new Gemm(w, bias, in, out);
  }

  /** The outputs of one observation. */
  float[] run(float[] obs, int offset) {
    float[] x = new float[inputSize];
    System.arraycopy(obs, offset, x, 0, inputSize);
    for (Op op : ops) x = op.apply(x);
    return x;
  }
}

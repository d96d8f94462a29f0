package dev.rlcompress.rt;

import dev.rlcompress.rt.kernel.Binary;
import dev.rlcompress.rt.kernel.Conv;
import dev.rlcompress.rt.kernel.Dense;
import dev.rlcompress.rt.kernel.DynamicInt8;
import dev.rlcompress.rt.kernel.Elementwise;
import dev.rlcompress.rt.kernel.Int4;
import dev.rlcompress.rt.kernel.Sparse;
import dev.rlcompress.rt.kernel.StaticInt8;
import dev.rlcompress.rt.kernel.Step;
import dev.rlcompress.rt.onnx.Onnx;
import dev.rlcompress.rt.onnx.Onnx.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an ONNX graph into a chain of {@link Step}s. Constants (initializers, and Cast / DequantizeLinear
 * / Identity of constants) are evaluated once here. The dynamic part must be a chain from the
 * observation to the requested output; on it, the node patterns rlc writes are recognized and mapped
 * to fused kernels:
 *
 * <ul>
 *   <li>Gemm / MatMul (+ Add) with constant weights, fp32 or fp16-stored: a dense, row-dot or sparse
 *       layer by shape and measured density; with DequantizeLinear weights of codes ±1: a binary layer;
 *   <li>QuantizeLinear → DequantizeLinear → Gemm with int8 weights and an int32 bias at scale
 *       x_scale·w_scale (static int8, QDQ form): an integer-exact int8 layer;
 *   <li>DynamicQuantizeLinear → MatMulInteger → Cast → Mul(x_scale·w_scale) → Add (dynamic int8);
 *   <li>com.microsoft MatMulNBits, 4 bits (+ Add bias): an int4 block layer;
 *   <li>Conv (+ its quantize-dequantize), Flatten, Relu (fused into the layer before it), Tanh, Sub /
 *       Div / Clip normalization, Cast to and from fp16.
 * </ul>
 *
 * Anything else is refused with the operator's name: a graph that compiles is computed as written,
 * except that hidden neurons which cannot change the output (fed by no weight, or read by none, as
 * unstructured pruning leaves them) are removed from float layers ({@link NeuronElimination}).
 */
final class Compiler {
  private final Onnx.Graph g;
  private final String source;
  private final Map<String, Node> producer = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Set<Node> done = new HashSet<>();
  private final List<Step> steps = new ArrayList<>();
  private int[] shape;
  private boolean fp16;

  /** The compiled chain and the shapes it maps between. */
  record Result(List<Step> steps, int[] inputShape, int outputWidth, String output) {}

  private Compiler(Onnx.Graph g, String source) {
    this.g = g;
    this.source = source;
  }

  static Result compile(Onnx.Graph g, String output, String source) {
    return new Compiler(g, source).run(output);
  }

  private Result run(String output) {
    for (Node n : g.nodes()) for (String o : n.outputs()) producer.put(o, n);
    Set<Node> needed = new HashSet<>();
    List<String> stack = new ArrayList<>(List.of(output));
    while (!stack.isEmpty()) {
      Node n = producer.get(stack.removeLast());
      if (n != null && needed.add(n)) stack.addAll(n.inputs());
    }
    for (Node n : g.nodes())
      if (needed.contains(n)) for (String i : n.inputs()) {
          List<Node> c = consumers.get(i);
          if (c == null) consumers.put(i, c = new ArrayList<>());
          c.add(n);
        }

    Onnx.ValueInfo input = g.dataInput();
    if (input == null) throw unsupported("the graph has no input");
    if (input.elemType() != Onnx.FLOAT) throw unsupported("the input " + input.name() + " is " + Onnx.typeName(input.elemType()) + ", not float");
    if (input.dims().length < 2) throw unsupported("the input " + input.name() + " must be [batch, features...]");
    shape = new int[input.dims().length - 1];
    for (int i = 0; i < shape.length; i++) {
      long d = input.dims()[i + 1];
      if (d <= 0 || d > Integer.MAX_VALUE) throw unsupported("the input " + input.name() + " has a symbolic or empty dimension " + (i + 1));
      shape[i] = (int) d;
    }
    int[] inputShape = shape.clone();
    String x = input.name();
    while (!x.equals(output)) {
      Node n = only(x);
      x = step(n, x);
    }
    if (steps.isEmpty()) steps.add(new Elementwise(width(), List.of()));
    List<Step> planned = new ArrayList<>();
    for (Step s : NeuronElimination.apply(steps)) planned.add(s instanceof NeuronElimination.FloatLayer f ? floatKernel(f) : s);
    return new Result(List.copyOf(planned), inputShape, width(), output);
  }

  private int width() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** The one not-yet-compiled node reading {@code x}. */
  private Node only(String x) {
    List<Node> c = new ArrayList<>();
    for (Node n : consumers.getOrDefault(x, List.of())) if (!done.contains(n)) c.add(n);
    if (c.isEmpty()) throw unsupported("nothing computes the output from tensor " + x);
    if (c.size() > 1) throw unsupported("tensor " + x + " feeds " + c.size() + " operators (" + c.get(0).describe() + ", "
        + c.get(1).describe() + "); only chains are supported");
    return c.get(0);
  }

  /** The single consumer of {@code x} if it has exactly one and it is {@code op}, else null. */
  private Node next(String x, String op) {
    List<Node> c = consumers.getOrDefault(x, List.of());
    return c.size() == 1 && c.get(0).op().equals(op) && c.get(0).domain().isEmpty() ? c.get(0) : null;
  }

  /** Compiles the pattern starting at {@code n} (which reads the dynamic tensor {@code x}); returns the new dynamic tensor. */
  private String step(Node n, String x) {
    done.add(n);
    if (n.domain().equals("com.microsoft") && n.op().equals("MatMulNBits")) return matMulNBits(n, x);
    if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) throw unsupportedOp(n);
    return switch (n.op()) {
      case "Identity" -> n.outputs().get(0);
      case "Cast" -> cast(n);
      case "Flatten", "Reshape" -> flatten(n);
      case "Relu" -> elementwise(n, new Elementwise.Relu());
      case "Tanh" -> elementwise(n, new Elementwise.Tanh());
      case "Sub", "Div", "Add", "Mul", "Max", "Min" -> arith(n, x);
      case "Clip" -> clip(n);
      case "Gemm" -> gemm(n, x);
      case "MatMul" -> matMul(n, x);
      case "QuantizeLinear" -> quantizeLinear(n);
      case "DynamicQuantizeLinear" -> dynamicQuant(n);
      case "Conv" -> conv(n, x);
      default -> throw unsupportedOp(n);
    };
  }

  // ---- simple operators ------------------------------------------------------------------------

  private String cast(Node n) {
    long to = n.intAttr("to", 0);
    if (to == Onnx.FLOAT) fp16 = false;
    else if (to == Onnx.FLOAT16) {
      fp16 = true;
      addElementwise(new Elementwise.RoundFp16());
    } else throw unsupported(n.describe() + " casts to " + Onnx.typeName((int) to) + "; only float and float16 are supported");
    return n.outputs().get(0);
  }

  private String flatten(Node n) {
    if (n.op().equals("Flatten") && n.intAttr("axis", 1) != 1)
      throw unsupported(n.describe() + " with axis " + n.intAttr("axis", 1) + "; only axis 1 is supported");
    if (n.op().equals("Reshape")) {
      float[] s = constFloats(n.input(1));
      if (s == null || s.length != 2 || !(s[1] == width() || s[1] == -1))
        throw unsupported(n.describe() + " to a shape other than [batch, " + width() + "]");
    }
    shape = new int[] {width()};
    return n.outputs().get(0);
  }

  private String elementwise(Node n, Elementwise.Op op) {
    addElementwise(op);
    roundIfFp16();
    return n.outputs().get(0);
  }

  private void addElementwise(Elementwise.Op op) {
    if (!steps.isEmpty() && steps.getLast() instanceof Elementwise e && e.outWidth() == width()) steps.set(steps.size() - 1, e.then(op));
    else steps.add(new Elementwise(width(), List.of(op)));
  }

  private void roundIfFp16() {
    if (fp16) addElementwise(new Elementwise.RoundFp16());
  }

  private String arith(Node n, String x) {
    boolean xFirst = n.input(0).equals(x);
    String other = xFirst ? n.input(1) : n.input(0);
    Elementwise.Kind k = Elementwise.Kind.valueOf(n.op().toUpperCase());
    if (!xFirst && (k == Elementwise.Kind.SUB || k == Elementwise.Kind.DIV))
      throw unsupported(n.describe() + " with the activation as its second operand");
    float[] c = constFloats(other);
    if (c == null) throw unsupported(n.describe() + " between two computed tensors");
    if (c.length != 1 && c.length != width())
      throw unsupported(n.describe() + ": constant of " + c.length + " values does not broadcast over " + width() + " features");
    float fill = k == Elementwise.Kind.DIV || k == Elementwise.Kind.MUL ? 1f : 0f; // MAX/MIN: padding lanes are never read
    return elementwise(n, new Elementwise.Arith(k, Elementwise.padded(c, width(), fill)));
  }

  private String clip(Node n) {
    float lo = Float.NEGATIVE_INFINITY, hi = Float.POSITIVE_INFINITY;
    if (n.attributes().containsKey("min")) lo = n.floatAttr("min", lo); // opset < 11
    if (n.attributes().containsKey("max")) hi = n.floatAttr("max", hi);
    if (!n.input(1).isEmpty()) lo = scalar(n, n.input(1));
    if (!n.input(2).isEmpty()) hi = scalar(n, n.input(2));
    return elementwise(n, new Elementwise.Clip(lo, hi));
  }

  private float scalar(Node n, String name) {
    float[] c = constFloats(name);
    if (c == null || c.length != 1) throw unsupported(n.describe() + ": " + name + " must be a constant scalar");
    return c[0];
  }

  // ---- fully connected layers ------------------------------------------------------------------

  /** Whether the only reader of {@code out} is a Relu; if so it is consumed and its output returned through {@code fused}. */
  private String fuseRelu(String out) {
    Node r = next(out, "Relu");
    if (r == null) return null;
    done.add(r);
    return r.outputs().get(0);
  }

  /** Adds a layer whose output tensor is {@code out}; {@code fusedRelu} is the Relu's output when one was fused, else null. */
  private String addLayer(Step layer, String out, String fusedRelu) {
    steps.add(layer);
    shape = new int[] {layer.outWidth()};
    roundIfFp16();
    return fusedRelu != null ? fusedRelu : out;
  }

  private void requireFlat(Node n) {
    if (shape.length != 1) throw unsupported(n.describe() + " on a " + shape.length + "-d tensor; Flatten first");
  }

  private String gemm(Node n, String x) {
    requireFlat(n);
    if (!n.input(0).equals(x)) throw unsupported(n.describe() + " with the activation as its B operand");
    if (n.intAttr("transA", 0) != 0) throw unsupported(n.describe() + " with transA=1");
    float alpha = n.floatAttr("alpha", 1f), beta = n.floatAttr("beta", 1f);
    boolean transB = n.intAttr("transB", 0) != 0;
    int in = width();
    Weights w = weights(n, n.input(1), in, transB);
    float[] bias = new float[w.out];
    if (!n.input(2).isEmpty()) {
      float[] c = constFloats(n.input(2));
      if (c == null) throw unsupported(n.describe() + ": the bias C must be a constant");
      if (c.length != 1 && c.length != w.out) throw unsupported(n.describe() + ": bias of " + c.length + " values for " + w.out + " outputs");
      for (int o = 0; o < w.out; o++) bias[o] = beta * (c.length == 1 ? c[0] : c[o]);
    }
    if (alpha != 1f) for (int i = 0; i < w.dense.length; i++) w.dense[i] *= alpha;
    Weights fw = alpha == 1f ? w : new Weights(w.dense, null, null, w.out);
    String out = n.outputs().get(0), relu = fuseRelu(out);
    return addLayer(denseLayer(fw, bias, in, relu != null), out, relu);
  }

  private String matMul(Node n, String x) {
    requireFlat(n);
    if (!n.input(0).equals(x)) throw unsupported(n.describe() + " with the activation as its second operand");
    int in = width();
    Weights w = weights(n, n.input(1), in, false);
    String out = n.outputs().get(0);
    float[] bias = biasAfter(out, w.out);
    if (bias != null) out = consumers.get(out).get(0).outputs().get(0);
    String relu = fuseRelu(out);
    return addLayer(denseLayer(w, bias != null ? bias : new float[w.out], in, relu != null), out, relu);
  }

  /** A following Add of a constant vector of {@code width} values is the layer's bias: consumed and returned; else null. */
  private float[] biasAfter(String out, int width) {
    Node add = next(out, "Add");
    if (add == null) return null;
    String other = add.input(0).equals(out) ? add.input(1) : add.input(0);
    float[] c = constFloats(other);
    if (c == null || (c.length != width && c.length != 1)) return null;
    done.add(add);
    float[] b = new float[width];
    for (int o = 0; o < width; o++) b[o] = c.length == 1 ? c[0] : c[o];
    return b;
  }

  /**
   * A weight matrix as [out][in] floats, and, when it is DequantizeLinear of int8 codes with zero point 0
   * and one scale per output (or per tensor), those codes and scales.
   */
  record Weights(float[] dense, int[] codes, float[] scales, int out) {}

  private Weights weights(Node n, String name, int in, boolean transB) {
    float[] v = constFloats(name);
    long[] dims = constDims(name);
    if (v == null || dims == null) throw unsupported(n.describe() + ": the weight " + name + " must be a constant");
    if (dims.length != 2) throw unsupported(n.describe() + ": the weight " + name + " is not a matrix");
    long k = transB ? dims[1] : dims[0], outL = transB ? dims[0] : dims[1];
    if (k != in) throw unsupported(n.describe() + ": the weight has " + k + " inputs, the activation " + in + " features");
    int out = (int) outL;
    float[] w = transB ? v : transpose(v, in, out);
    int[] codes = null;
    float[] scales = null;
    Node dq = producer.get(name);
    if (dq != null && dq.op().equals("DequantizeLinear")) {
      Onnx.Tensor q = g.initializers().get(dq.input(0));
      float[] s = constFloats(dq.input(1)), zp = dq.input(2).isEmpty() ? new float[1] : constFloats(dq.input(2));
      int axis = (int) dq.intAttr("axis", 1);
      boolean perOut = s != null && (s.length == 1 || (s.length == out && axis == (transB ? 0 : 1)));
      boolean zeroZp = zp != null;
      if (zp != null) for (float z : zp) zeroZp &= z == 0f;
      if (q != null && q.dataType() == Onnx.INT8 && perOut && zeroZp) {
        int[] c = q.ints();
        codes = transB ? c : transposeInts(c, in, out);
        scales = new float[out];
        for (int o = 0; o < out; o++) scales[o] = s.length == 1 ? s[0] : s[o];
      }
    }
    return new Weights(w, codes, scales, out);
  }

  /** Weights whose every code is ±1: a binary layer. */
  private static boolean binary(Weights w) {
    if (w.codes == null) return false;
    for (int c : w.codes) if (c != 1 && c != -1) return false;
    return true;
  }

  private Step denseLayer(Weights w, float[] bias, int in, boolean relu) {
    float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
    if (binary(w)) return new Binary(w.codes, w.scales, bias, in, w.out, floor);
    return new NeuronElimination.FloatLayer(w.dense, bias, in, w.out, floor); // a kernel once the neurons it cannot use are gone
  }

  /** The kernel for a float layer: sparse by column below the measured crossover density, dense panels or row dots otherwise. */
  private static Step floatKernel(NeuronElimination.FloatLayer f) {
    long nnz = 0;
    for (float v : f.weight()) if (v != 0f) nnz++;
    if (Sparse.preferred(nnz, f.in(), f.out())) return new Sparse(f.weight(), f.bias(), f.in(), f.out(), f.floor());
    return Dense.of(f.weight(), f.bias(), f.in(), f.out(), f.floor());
  }

  private static float[] transpose(float[] v, int rows, int cols) {
    float[] t = new float[v.length];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
    return t;
  }

  private static int[] transposeInts(int[] v, int rows, int cols) {
    int[] t = new int[v.length];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
    return t;
  }

  // ---- static int8 (QDQ) ------------------------------------------------------------------------

  /**
   * QuantizeLinear → DequantizeLinear on the activation. When the pair feeds a Gemm whose weights are
   * int8 codes and whose bias is int32 at scale x_scale·w_scale, the three become one integer-exact
   * layer; otherwise the pair is an elementwise quantize-dequantize.
   */
  private String quantizeLinear(Node q) {
    Node dq = next(q.outputs().get(0), "DequantizeLinear");
    float[] s = constFloats(q.input(1));
    Onnx.Tensor zpT = q.input(2).isEmpty() ? null : g.initializers().get(q.input(2));
    if (dq == null || s == null || s.length != 1 || (!q.input(2).isEmpty() && zpT == null))
      throw unsupported(q.describe() + " not followed by a DequantizeLinear with the same constant scalar scale");
    boolean signed = zpT != null && zpT.dataType() == Onnx.INT8;
    int zp = zpT == null ? 0 : zpT.ints()[0];
    float[] s2 = constFloats(dq.input(1));
    float[] zp2 = dq.input(2).isEmpty() ? new float[1] : constFloats(dq.input(2));
    if (s2 == null || s2.length != 1 || s2[0] != s[0] || zp2 == null || zp2.length != 1 || zp2[0] != zp)
      throw unsupported(q.describe() + " and " + dq.describe() + " use different parameters");
    done.add(dq);
    String x = dq.outputs().get(0);
    Node gemm = next(x, "Gemm");
    if (gemm != null && !signed && shape.length == 1) {
      Step fused = staticInt8(gemm, x, s[0], zp);
      if (fused != null) {
        done.add(gemm);
        String out = gemm.outputs().get(0);
        String relu = fuseRelu(out);
        Step st = relu != null ? ((StaticInt8) fused).withRelu() : fused;
        steps.add(st);
        shape = new int[] {st.outWidth()};
        return relu != null ? relu : out;
      }
    }
    addElementwise(new Elementwise.Qdq(s[0], zp, signed));
    return x;
  }

  private Step staticInt8(Node gemm, String x, float xs, int zp) {
    if (!gemm.input(0).equals(x) || gemm.intAttr("transA", 0) != 0 || gemm.floatAttr("alpha", 1f) != 1f
        || gemm.floatAttr("beta", 1f) != 1f || gemm.input(2).isEmpty()) return null;
    int in = width();
    Weights w = weights(gemm, gemm.input(1), in, gemm.intAttr("transB", 0) != 0);
    if (w.codes == null) return null;
    Node bdq = producer.get(gemm.input(2));
    if (bdq == null || !bdq.op().equals("DequantizeLinear")) return null;
    Onnx.Tensor bq = g.initializers().get(bdq.input(0));
    float[] bs = constFloats(bdq.input(1));
    float[] bzp = bdq.input(2).isEmpty() ? new float[1] : constFloats(bdq.input(2));
    if (bq == null || bq.dataType() != Onnx.INT32 || bs == null || bzp == null || bq.size() != w.out) return null;
    float[] mult = new float[w.out];
    for (int o = 0; o < w.out; o++) {
      mult[o] = xs * w.scales[o];
      float b = bs.length == 1 ? bs[0] : bs.length == w.out ? bs[o] : Float.NaN;
      float z = bzp.length == 1 ? bzp[0] : bzp.length == w.out ? bzp[o] : Float.NaN;
      if (b != mult[o] || z != 0f) return null; // the bias is not on the accumulator's scale: fall back to floats
    }
    return new StaticInt8(w.codes, mult, bq.ints(), in, w.out, xs, zp, Float.NEGATIVE_INFINITY);
  }

  // ---- dynamic int8 -------------------------------------------------------------------------------

  /** DynamicQuantizeLinear → MatMulInteger → Cast → Mul(acc, x_scale·w_scale) → Add(bias). */
  private String dynamicQuant(Node dql) {
    requireFlat(dql);
    String xq = dql.outputs().get(0), xs = dql.outputs().get(1), xzp = dql.outputs().get(2);
    Node mmi = next(xq, "MatMulInteger");
    if (mmi == null || !mmi.input(0).equals(xq) || !mmi.input(2).equals(xzp))
      throw unsupported(dql.describe() + " not followed by MatMulInteger(x_q, W, x_zero_point, w_zero_point)");
    Onnx.Tensor wq = g.initializers().get(mmi.input(1));
    if (wq == null || wq.dataType() != Onnx.INT8 || wq.dims().length != 2 || wq.dims()[0] != width())
      throw unsupported(mmi.describe() + ": B must be a constant int8 [" + width() + ", N] matrix");
    int in = width(), out = (int) wq.dims()[1];
    float[] wzp = mmi.input(3).isEmpty() ? new float[1] : constFloats(mmi.input(3));
    if (wzp == null) throw unsupported(mmi.describe() + ": the weight zero point must be a constant");
    for (float z : wzp) if (z != 0f) throw unsupported(mmi.describe() + " with a nonzero weight zero point");
    Node cast = next(mmi.outputs().get(0), "Cast");
    if (cast == null || cast.intAttr("to", 0) != Onnx.FLOAT) throw unsupported(mmi.describe() + " not followed by Cast to float");
    Node mul = next(cast.outputs().get(0), "Mul");
    if (mul == null) throw unsupported(cast.describe() + " not followed by Mul with the combined scale");
    String scaleName = mul.input(0).equals(cast.outputs().get(0)) ? mul.input(1) : mul.input(0);
    Node scaleMul = producer.get(scaleName);
    if (scaleMul == null || !scaleMul.op().equals("Mul") || !(scaleMul.input(0).equals(xs) || scaleMul.input(1).equals(xs)))
      throw unsupported(mul.describe() + ": its scale is not x_scale times a constant weight scale");
    float[] ws = constFloats(scaleMul.input(0).equals(xs) ? scaleMul.input(1) : scaleMul.input(0));
    if (ws == null || (ws.length != 1 && ws.length != out)) throw unsupported(scaleMul.describe() + ": the weight scale must be a constant scalar or one per output");
    for (Node n : List.of(mmi, cast, mul, scaleMul)) done.add(n);
    String y = mul.outputs().get(0);
    float[] bias = biasAfter(y, out);
    if (bias != null) y = consumers.get(y).get(0).outputs().get(0);
    float[] wsFull = new float[out];
    for (int o = 0; o < out; o++) wsFull[o] = ws.length == 1 ? ws[0] : ws[o];
    String relu = fuseRelu(y);
    float floor = relu != null ? 0f : Float.NEGATIVE_INFINITY;
    return addLayer(new DynamicInt8(transposeInts(wq.ints(), in, out), wsFull, bias != null ? bias : new float[out], in, out, floor), y, relu);
  }

  // ---- int4 ---------------------------------------------------------------------------------------

  private String matMulNBits(Node n, String x) {
    requireFlat(n);
    long k = n.intAttr("K", -1), nOut = n.intAttr("N", -1), bits = n.intAttr("bits", 4), block = n.intAttr("block_size", -1);
    if (bits != 4) throw unsupported(n.describe() + " with " + bits + " bits; only 4 is supported");
    if (k != width() || nOut <= 0 || block < 16 || Long.bitCount(block) != 1)
      throw unsupported(n.describe() + ": K=" + k + ", N=" + nOut + ", block_size=" + block + " do not fit a " + width() + "-feature input");
    for (int i = 3; i < n.inputs().size(); i++)
      if (!n.input(i).isEmpty()) throw unsupported(n.describe() + " with zero points, group indices or a bias input");
    Onnx.Tensor b = g.initializers().get(n.input(1));
    float[] scales = constFloats(n.input(2));
    int blocks = (int) ((k + block - 1) / block), out = (int) nOut;
    if (b == null || b.dataType() != Onnx.UINT8 || b.size() != (long) out * blocks * block / 2 || scales == null || scales.length != out * blocks)
      throw unsupported(n.describe() + ": B must be constant uint8 [N, blocks, block_size/2] and scales [N*blocks]");
    int[] packed = b.ints();
    int[] codes = new int[out * (int) k];
    for (int o = 0; o < out; o++)
      for (int i = 0; i < k; i++) {
        int byteAt = o * blocks * (int) block / 2 + i / 2; // blocks of one row are contiguous: i/2 within the row
        int v = packed[byteAt];
        codes[o * (int) k + i] = ((i & 1) == 0 ? v & 0xf : v >>> 4) - 8;
      }
    String out0 = n.outputs().get(0);
    float[] bias = biasAfter(out0, out);
    String y = bias != null ? consumers.get(out0).get(0).outputs().get(0) : out0;
    String relu = fuseRelu(y);
    float floor = relu != null ? 0f : Float.NEGATIVE_INFINITY;
    return addLayer(new Int4(codes, scales, bias != null ? bias : new float[out], (int) k, out, (int) block, floor), y, relu);
  }

  // ---- convolution --------------------------------------------------------------------------------

  private String conv(Node n, String x) {
    if (shape.length != 3) throw unsupported(n.describe() + " needs a [channels, height, width] input, got " + shape.length + "-d");
    if (!n.input(0).equals(x)) throw unsupported(n.describe() + " with the activation as its weight");
    if (n.intAttr("group", 1) != 1) throw unsupported(n.describe() + " with groups");
    Onnx.Attribute ap = n.attributes().get("auto_pad");
    if (ap != null && !ap.s().equals("NOTSET")) throw unsupported(n.describe() + " with auto_pad " + ap.s());
    for (long d : n.intsAttr("dilations", new long[] {1, 1})) if (d != 1) throw unsupported(n.describe() + " with dilations");
    float[] w = constFloats(n.input(1));
    long[] wd = constDims(n.input(1));
    if (w == null || wd == null || wd.length != 4) throw unsupported(n.describe() + ": the weight must be a constant [out, in, kh, kw] tensor");
    if (wd[1] != shape[0]) throw unsupported(n.describe() + ": weight for " + wd[1] + " channels, input has " + shape[0]);
    long[] strides = n.intsAttr("strides", new long[] {1, 1}), pads = n.intsAttr("pads", new long[] {0, 0, 0, 0});
    if (strides.length != 2 || pads.length != 4) throw unsupported(n.describe() + " that is not 2-d");
    int oc = (int) wd[0];
    float[] bias = new float[oc];
    if (!n.input(2).isEmpty()) {
      float[] c = constFloats(n.input(2));
      if (c == null || c.length != oc) throw unsupported(n.describe() + ": the bias must be a constant of " + oc + " values");
      bias = c;
    }
    Conv.Geometry geo = new Conv.Geometry(shape[0], shape[1], shape[2], oc, new Conv.Window((int) wd[2], (int) wd[3],
        (int) strides[0], (int) strides[1], new Conv.Pads((int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3])));
    if (geo.outH() <= 0 || geo.outW() <= 0) throw unsupported(n.describe() + " leaves no output");
    float[] bb = bias;
    String out = n.outputs().get(0);
    String relu = fuseRelu(out);
    steps.add(new Conv(geo, w, bb, relu != null ? 0f : Float.NEGATIVE_INFINITY));
    shape = new int[] {oc, geo.outH(), geo.outW()};
    roundIfFp16();
    return relu != null ? relu : out;
  }

  // ---- constants ----------------------------------------------------------------------------------

  /** The value of a constant tensor (initializer, Constant, or Cast / DequantizeLinear / Identity of constants), else null. */
  private float[] constFloats(String name) {
    Onnx.Tensor t = g.initializers().get(name);
    if (t != null) return t.floats();
    Node n = producer.get(name);
    if (n == null || !n.domain().isEmpty()) return null;
    return switch (n.op()) {
      case "Constant" -> n.attributes().containsKey("value") ? n.attributes().get("value").t().floats() : null;
      case "Identity" -> constFloats(n.input(0));
      case "Cast" -> {
        float[] v = constFloats(n.input(0));
        long to = n.intAttr("to", 0);
        if (v == null || (to != Onnx.FLOAT && to != Onnx.FLOAT16)) yield null;
        if (to == Onnx.FLOAT16) for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        yield v;
      }
      case "DequantizeLinear" -> dequantize(n);
      default -> null;
    };
  }

  private long[] constDims(String name) {
    Onnx.Tensor t = g.initializers().get(name);
    if (t != null) return t.dims();
    Node n = producer.get(name);
    if (n == null) return null;
    return switch (n.op()) {
      case "Constant" -> n.attributes().containsKey("value") ? n.attributes().get("value").t().dims() : null;
      case "Identity", "Cast", "DequantizeLinear" -> constDims(n.input(0));
      default -> null;
    };
  }

  /** DequantizeLinear of constants: (q − zp)·scale, the scale per tensor or along {@code axis}. */
  private float[] dequantize(Node n) {
    if (n.intAttr("block_size", 0) != 0) throw unsupported(n.describe() + " with blocked scales");
    float[] q = constFloats(n.input(0)), s = constFloats(n.input(1));
    float[] zp = n.input(2).isEmpty() ? new float[1] : constFloats(n.input(2));
    long[] dims = constDims(n.input(0));
    if (q == null || s == null || zp == null || dims == null) return null;
    int axis = (int) n.intAttr("axis", 1);
    if (axis < 0) axis += dims.length;
    long inner = 1;
    for (int d = axis + 1; d < dims.length; d++) inner *= d < dims.length ? dims[d] : 1;
    long axisLen = axis < dims.length ? dims[axis] : 1;
    if (s.length != 1 && s.length != axisLen) throw unsupported(n.describe() + ": " + s.length + " scales for an axis of " + axisLen);
    float[] r = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      int c = s.length == 1 ? 0 : (int) ((i / inner) % axisLen);
      r[i] = (q[i] - zp[zp.length == 1 ? 0 : c]) * s[c];
    }
    return r;
  }

  private UnsupportedModelException unsupported(String what) {
    return new UnsupportedModelException(source + ": " + what);
  }

  private UnsupportedModelException unsupportedOp(Node n) {
    return unsupported("operator " + n.describe() + " is not supported by the Java runtime");
  }
}

package dev.rlcompress.rt.onnx;

import dev.rlcompress.rt.MalformedModelException;
import dev.rlcompress.rt.UnsupportedModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of the ONNX schema a policy needs, read straight from the wire format: the model's graph
 * and metadata_props; the graph's nodes, initializers (dense and sparse), inputs and outputs; node
 * attributes; tensors in raw_data or typed fields. Field numbers are those of onnx.proto.
 */
public final class Onnx {
  private Onnx() {}

  /** ONNX TensorProto.DataType values this runtime reads. */
  public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9,
      FLOAT16 = 10, DOUBLE = 11;

  public record Model(Map<String, String> metadata, Graph graph) {}

  /**
   * @param initializers constants by name; sparse initializers are densified here, their nonzero count
   *     kept in {@link Tensor#storedNonzeros()}
   */
  public record Graph(List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {
    /** The first graph input that is not also an initializer (the observation), or null. */
    public ValueInfo dataInput() {
      for (ValueInfo v : inputs) if (!initializers.containsKey(v.name())) return v;
      return null;
    }
  }

  /** A graph input or output: name, element type and dimensions (a symbolic dimension is -1). */
  public record ValueInfo(String name, int elemType, long[] dims) {}

  public record Node(String op, String domain, String name, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
    /** Input {@code i}, or "" when absent (ONNX marks a skipped optional input by an empty name). */
    public String input(int i) {
      return i < inputs.size() ? inputs.get(i) : "";
    }

    public long intAttr(String name, long dflt) {
      Attribute a = attributes.get(name);
      return a == null ? dflt : a.i();
    }

    public float floatAttr(String name, float dflt) {
      Attribute a = attributes.get(name);
      return a == null ? dflt : a.f();
    }

    public long[] intsAttr(String name, long[] dflt) {
      Attribute a = attributes.get(name);
      return a == null ? dflt : a.ints();
    }

    /** How errors name this node: its operator, and its name when it has one. */
    public String describe() {
      String d = domain.isEmpty() ? op : domain + "." + op;
      return name.isEmpty() ? d : d + " (node " + name + ")";
    }
  }

  public record Attribute(String name, float f, long i, String s, long[] ints, float[] floats, Tensor t) {}

  /**
   * A constant tensor. Exactly one of the storage forms is filled as the file had it; {@link #floats()}
   * and {@link #ints()} decode any of them.
   *
   * @param storedNonzeros the number of stored values for a sparse initializer, -1 for a dense one
   */
  public record Tensor(String name, int dataType, long[] dims, byte[] raw, float[] floatData, long[] intData, double[] doubleData,
      long storedNonzeros) {
    public long size() {
      long n = 1;
      for (long d : dims) n *= d;
      return n;
    }

    /** The values as floats (FLOAT, FLOAT16, DOUBLE, or any integer type converted). */
    public float[] floats() {
      int n = checkedSize();
      float[] f = new float[n];
      switch (dataType) {
        case FLOAT -> {
          if (raw != null) buffer().asFloatBuffer().get(f);
          else copyFloats(f);
        }
        case FLOAT16 -> {
          if (raw != null) {
            ByteBuffer b = buffer();
            for (int i = 0; i < n; i++) f[i] = Float.float16ToFloat(b.getShort());
          } else {
            for (int i = 0; i < n; i++) f[i] = Float.float16ToFloat((short) intData[i]);
          }
        }
        case DOUBLE -> {
          if (raw != null) {
            ByteBuffer b = buffer();
            for (int i = 0; i < n; i++) f[i] = (float) b.getDouble();
          } else {
            for (int i = 0; i < n; i++) f[i] = (float) doubleData[i];
          }
        }
        default -> {
          long[] v = longs();
          for (int i = 0; i < n; i++) f[i] = v[i];
        }
      }
      return f;
    }

    private void copyFloats(float[] f) {
      if (floatData.length != f.length) throw new MalformedModelException("tensor " + name + " holds " + floatData.length + " values, its dims say " + f.length);
      System.arraycopy(floatData, 0, f, 0, f.length);
    }

    /** The values of an integer tensor as ints (UINT8, INT8, INT16, UINT16, INT32, INT64 in int range, BOOL). */
    public int[] ints() {
      long[] v = longs();
      int[] r = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        if (v[i] != (int) v[i]) throw new UnsupportedModelException("tensor " + name + " holds values beyond the int range");
        r[i] = (int) v[i];
      }
      return r;
    }

    private long[] longs() {
      int n = checkedSize();
      long[] r = new long[n];
      if (raw == null) {
        if (intData.length != n) throw new MalformedModelException("tensor " + name + " holds " + intData.length + " values, its dims say " + n);
        for (int i = 0; i < n; i++) r[i] = dataType == UINT8 ? intData[i] & 0xff : dataType == UINT16 ? intData[i] & 0xffff : intData[i];
        return r;
      }
      ByteBuffer b = buffer();
      for (int i = 0; i < n; i++)
        r[i] = switch (dataType) {
          case UINT8, BOOL -> b.get() & 0xff;
          case INT8 -> b.get();
          case INT16 -> b.getShort();
          case UINT16 -> b.getShort() & 0xffff;
          case INT32 -> b.getInt();
          case INT64 -> b.getLong();
          default -> throw new UnsupportedModelException("tensor " + name + " has data type " + typeName(dataType) + ", not an integer type");
        };
      return r;
    }

    private int checkedSize() {
      long n = size();
      if (n < 0 || n > Integer.MAX_VALUE - 16) throw new UnsupportedModelException("tensor " + name + " is too large (" + n + " values)");
      if (raw != null && raw.length < n * bytesPer(dataType))
        throw new MalformedModelException("tensor " + name + " has " + raw.length + " bytes of data, its dims need " + n * bytesPer(dataType));
      return (int) n;
    }

    private ByteBuffer buffer() {
      return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  static int bytesPer(int type) {
    return switch (type) {
      case UINT8, INT8, BOOL -> 1;
      case UINT16, INT16, FLOAT16 -> 2;
      case FLOAT, INT32 -> 4;
      case INT64, DOUBLE -> 8;
      default -> throw new UnsupportedModelException("tensor data type " + typeName(type) + " is not supported");
    };
  }

  public static String typeName(int type) {
    return switch (type) {
      case FLOAT -> "float";
      case UINT8 -> "uint8";
      case INT8 -> "int8";
      case UINT16 -> "uint16";
      case INT16 -> "int16";
      case INT32 -> "int32";
      case INT64 -> "int64";
      case BOOL -> "bool";
      case FLOAT16 -> "float16";
      case DOUBLE -> "double";
      default -> "type " + type;
    };
  }

  /** Parses a serialized ModelProto. */
  public static Model parse(byte[] bytes) {
    Wire w = new Wire(bytes);
    Map<String, String> md = new LinkedHashMap<>();
    Graph g = null;
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 7 -> g = graph(w.message());
        case 14 -> {
          Wire e = w.message();
          String k = "", v = "";
          while (e.more()) {
            int t = e.tag();
            if (t >>> 3 == 1) k = e.string();
            else if (t >>> 3 == 2) v = e.string();
            else e.skip(t & 7);
          }
          md.put(k, v);
        }
        default -> w.skip(tag & 7);
      }
    }
    if (g == null || g.nodes().isEmpty()) throw new MalformedModelException("not an ONNX model (no graph)");
    return new Model(md, g);
  }

  private static Graph graph(Wire w) {
    List<Node> nodes = new ArrayList<>();
    Map<String, Tensor> init = new LinkedHashMap<>();
    List<ValueInfo> in = new ArrayList<>(), out = new ArrayList<>();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> nodes.add(node(w.message()));
        case 5 -> {
          Tensor t = tensor(w.message());
          init.put(t.name(), t);
        }
        case 15 -> {
          Tensor t = sparse(w.message());
          init.put(t.name(), t);
        }
        case 11 -> in.add(valueInfo(w.message()));
        case 12 -> out.add(valueInfo(w.message()));
        default -> w.skip(tag & 7);
      }
    }
    return new Graph(nodes, init, in, out);
  }

  private static Node node(Wire w) {
    List<String> in = new ArrayList<>(), out = new ArrayList<>();
    String name = "", op = "", domain = "";
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> in.add(w.string());
        case 2 -> out.add(w.string());
        case 3 -> name = w.string();
        case 4 -> op = w.string();
        case 7 -> domain = w.string();
        case 5 -> {
          Attribute a = attribute(w.message());
          attrs.put(a.name(), a);
        }
        default -> w.skip(tag & 7);
      }
    }
    return new Node(op, domain, name, in, out, attrs);
  }

  private static Attribute attribute(Wire w) {
    String name = "", s = "";
    float f = 0;
    long i = 0;
    Tensor t = null;
    LongList ints = new LongList();
    FloatList floats = new FloatList();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> name = w.string();
        case 2 -> f = Float.intBitsToFloat(w.fixed32());
        case 3 -> i = w.varint();
        case 4 -> s = w.string();
        case 5 -> t = tensor(w.message());
        case 7 -> w.floats(tag & 7, floats);
        case 8 -> w.longs(tag & 7, ints);
        default -> w.skip(tag & 7);
      }
    }
    return new Attribute(name, f, i, s, ints.toArray(), floats.toArray(), t);
  }

  static Tensor tensor(Wire w) {
    LongList dims = new LongList(), ints = new LongList();
    FloatList floats = new FloatList();
    double[] doubles = new double[0];
    int nd = 0;
    int type = 0;
    String name = "";
    byte[] raw = null;
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> w.longs(tag & 7, dims);
        case 2 -> type = (int) w.varint();
        case 4 -> w.floats(tag & 7, floats);
        case 5, 7 -> w.longs(tag & 7, ints); // int32_data: negative values arrive as sign-extended 64-bit varints
        case 8 -> name = w.string();
        case 9 -> raw = w.bytes();
        case 10 -> {
          if ((tag & 7) == Wire.LEN) {
            Wire p = w.message();
            while (p.more()) {
              if (nd == doubles.length) doubles = java.util.Arrays.copyOf(doubles, 2 * nd + 8);
              doubles[nd++] = Double.longBitsToDouble(p.fixed64());
            }
          } else {
            if (nd == doubles.length) doubles = java.util.Arrays.copyOf(doubles, 2 * nd + 8);
            doubles[nd++] = Double.longBitsToDouble(w.fixed64());
          }
        }
        case 13, 14 -> throw new UnsupportedModelException("tensor " + name + " keeps its data in an external file; save the model with its data inline");
        default -> w.skip(tag & 7);
      }
    }
    return new Tensor(name, type, dims.toArray(), raw, floats.toArray(), ints.toArray(), java.util.Arrays.copyOf(doubles, nd), -1);
  }

  /** A SparseTensorProto densified: values scattered to their linearized (or per-dimension) indices. */
  private static Tensor sparse(Wire w) {
    Tensor values = null, indices = null;
    LongList dims = new LongList();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> values = tensor(w.message());
        case 2 -> indices = tensor(w.message());
        case 3 -> w.longs(tag & 7, dims);
        default -> w.skip(tag & 7);
      }
    }
    if (values == null || indices == null) throw new MalformedModelException("sparse initializer without values or indices");
    long[] shape = dims.toArray();
    long size = 1;
    for (long d : shape) size *= d;
    if (size > Integer.MAX_VALUE - 16) throw new UnsupportedModelException("sparse tensor " + values.name() + " is too large");
    float[] v = values.floats();
    long[] ix = indices.longs();
    float[] dense = new float[(int) size];
    boolean coordinates = ix.length == (long) v.length * shape.length && shape.length > 1;
    for (int k = 0; k < v.length; k++) {
      long at;
      if (coordinates) { // [nnz][rank] coordinates
        at = 0;
        for (int r = 0; r < shape.length; r++) at = at * shape[r] + ix[k * shape.length + r];
      } else {
        at = ix[k];
      }
      if (at < 0 || at >= size) throw new MalformedModelException("sparse tensor " + values.name() + " has an index outside its shape");
      dense[(int) at] = v[k];
    }
    ByteBuffer b = ByteBuffer.allocate(dense.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(dense);
    return new Tensor(values.name(), FLOAT, shape, b.array(), new float[0], new long[0], new double[0], v.length);
  }

  private static ValueInfo valueInfo(Wire w) {
    String name = "";
    int type = 0;
    LongList dims = new LongList();
    while (w.more()) {
      int tag = w.tag();
      if (tag >>> 3 == 1) {
        name = w.string();
      } else if (tag >>> 3 == 2) { // TypeProto
        Wire tp = w.message();
        while (tp.more()) {
          int t = tp.tag();
          if (t >>> 3 != 1) {
            tp.skip(t & 7);
            continue;
          }
          Wire tensor = tp.message();
          while (tensor.more()) {
            int tt = tensor.tag();
            if (tt >>> 3 == 1) type = (int) tensor.varint();
            else if (tt >>> 3 == 2) shape(tensor.message(), dims);
            else tensor.skip(tt & 7);
          }
        }
      } else {
        w.skip(tag & 7);
      }
    }
    return new ValueInfo(name, type, dims.toArray());
  }

  private static void shape(Wire w, LongList dims) {
    while (w.more()) {
      int tag = w.tag();
      if (tag >>> 3 != 1) {
        w.skip(tag & 7);
        continue;
      }
      Wire d = w.message();
      long v = -1;
      while (d.more()) {
        int t = d.tag();
        if (t >>> 3 == 1) v = d.varint();
        else d.skip(t & 7);
      }
      dims.add(v);
    }
  }

  static final class LongList {
    long[] a = new long[8];
    int n;

    void add(long v) {
      if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
      a[n++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  static final class FloatList {
    float[] a = new float[8];
    int n;

    void add(float v) {
      if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
      a[n++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}

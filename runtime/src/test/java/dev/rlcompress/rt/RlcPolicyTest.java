package dev.rlcompress.rt;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The module on its own, with no ONNX library: a small model is written here field by field in the
 * protobuf wire format (so the reader is tested against the format, not against itself), loaded and
 * run; its outputs are exact for integer-valued weights. The app's JavaRuntimeTest covers every
 * compression method on real rlc files.
 */
class RlcPolicyTest {
  /** A protobuf message under construction. */
  static final class Msg {
    final ByteArrayOutputStream b = new ByteArrayOutputStream();

    Msg varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Msg bytes(int field, byte[] v) {
      tag(field, 2);
      raw(v.length);
      b.writeBytes(v);
      return this;
    }

    Msg str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Msg msg(int field, Msg m) {
      return bytes(field, m.b.toByteArray());
    }

    private void tag(int field, int type) {
      raw((long) field << 3 | type);
    }

    private void raw(long v) {
      while ((v & ~0x7fL) != 0) {
        b.write((int) (v & 0x7f) | 0x80);
        v >>>= 7;
      }
      b.write((int) v);
    }
  }

  static Msg floats(String name, float[] v, long... dims) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) bb.putFloat(f);
    Msg t = new Msg();
    for (long d : dims) t.varint(1, d); // unpacked dims, as proto2 writers may emit them
    return t.varint(2, 1).str(8, name).bytes(9, bb.array());
  }

  static Msg valueInfo(String name, Object... dims) {
    Msg shape = new Msg();
    for (Object d : dims) shape.msg(1, d instanceof String s ? new Msg().str(2, s) : new Msg().varint(1, (Integer) d));
    return new Msg().str(1, name).msg(2, new Msg().msg(1, new Msg().varint(1, 1).msg(2, shape)));
  }

  static Msg node(String op, String[] in, String out, Msg... attrs) {
    Msg n = new Msg();
    for (String i : in) n.str(1, i);
    n.str(2, out).str(4, op);
    for (Msg a : attrs) n.msg(5, a);
    return n;
  }

  /** obs[3] → Gemm(W 2×3, b, transB=1) → ACTIVATION → out[2], with rlc's action-head metadata. */
  static byte[] model(String activation) {
    Msg g = new Msg()
        .msg(1, node("Gemm", new String[] {"obs", "w", "b"}, "h", new Msg().str(1, "transB").varint(3, 1).varint(20, 2)))
        .msg(1, node(activation, new String[] {"h"}, "out"))
        .msg(5, floats("w", new float[] {1, -2, 3, 0.5f, 4, -1}, 2, 3))
        .msg(5, floats("b", new float[] {0.25f, -8}, 2))
        .msg(11, valueInfo("obs", "batch", 3))
        .msg(12, valueInfo("out", "batch", 2));
    return new Msg().varint(1, 10).msg(7, g)
        .msg(14, new Msg().str(1, "rlc.action_head").str(2, "{\"kind\":\"q_values\"}"))
        .msg(14, new Msg().str(1, "rlc.action_output").str(2, "out")).b.toByteArray();
  }

  @Test
  void runsAHandWrittenModelExactly() {
    RlcPolicy p = RlcPolicy.load(model("Relu"), "tiny");
    assertEquals(3, p.inputSize());
    assertEquals(2, p.outputSize());
    assertEquals(RlcPolicy.HeadKind.Q_VALUES, p.head().kind());
    float[] x = {1, 2, 3};
    float[] y = p.run(x); // relu(1-4+9+0.25, 0.5+8-3-8)
    assertArrayEquals(new float[] {6.25f, 0f}, y);
    assertEquals(0, p.discreteAction(x));
    float[] batch = {1, 2, 3, -1, 0, 2}, out = new float[4];
    p.run(batch, 0, 2, out, 0);
    assertArrayEquals(new float[] {6.25f, 0f, 5.25f, 0f}, out);
    assertEquals(1, p.describe().size(), "the Relu is fused into the layer: " + p.describe());
  }

  @Test
  void refusesAnUnknownOperatorByName() {
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> RlcPolicy.load(model("Softsign"), "tiny"));
    assertTrue(e.getMessage().startsWith("tiny: ") && e.getMessage().contains("Softsign"), e.getMessage());
  }

  @Test
  void refusesTruncatedBytes() {
    byte[] m = model("Relu");
    byte[] cut = java.util.Arrays.copyOf(m, m.length / 2);
    assertThrows(MalformedModelException.class, () -> RlcPolicy.load(cut, "cut"));
  }
}

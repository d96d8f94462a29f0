package dev.rlcompress.rt.onnx;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire-format bytes: varints, fixed 32/64-bit values and length-delimited
 * fields, which is all an ONNX file is made of. Reading the format directly keeps the runtime free of
 * the protobuf library; unknown fields are skipped, so newer ONNX files still load.
 */
import dev.rlcompress.rt.MalformedModelException;

final class Wire {
  static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;

  Wire(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  Wire(byte[] buf) {
    this(buf, 0, buf.length);
  }

  boolean more() {
    return pos < end;
  }

  /** The next field's tag (field number << 3 | wire type). */
  int tag() {
    long t = varint();
    if (t <= 0 || t > Integer.MAX_VALUE) throw new MalformedModelException("bad field tag at byte " + pos);
    return (int) t;
  }

  long varint() {
    long r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) throw new MalformedModelException("truncated varint");
      byte b = buf[pos++];
      r |= (long) (b & 0x7f) << shift;
      if (b >= 0) return r;
    }
    throw new MalformedModelException("varint longer than 10 bytes");
  }

  int fixed32() {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  long fixed64() {
    long lo = fixed32() & 0xffffffffL, hi = fixed32() & 0xffffffffL;
    return lo | hi << 32;
  }

  /** A length-delimited field as a sub-cursor; this cursor moves past it. */
  Wire message() {
    int n = length();
    Wire w = new Wire(buf, pos, pos + n);
    pos += n;
    return w;
  }

  byte[] bytes() {
    int n = length();
    byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  String string() {
    int n = length();
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private int length() {
    long n = varint();
    if (n < 0 || n > end - pos) throw new MalformedModelException("field length " + n + " runs past the end of its message");
    return (int) n;
  }

  private void need(int n) {
    if (end - pos < n) throw new MalformedModelException("truncated fixed-width field");
  }

  /** Skips a field of the given wire type. */
  void skip(int wireType) {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LEN -> {
        int n = length(); // not "pos += length()": that reads pos before length() moves it
        pos += n;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw new MalformedModelException("unsupported wire type " + wireType);
    }
  }

  /**
   * Reads a repeated integer field that may be packed (one length-delimited run) or not (one varint
   * per occurrence): proto2 writers differ, so readers accept both.
   */
  void longs(int wireType, Onnx.LongList out) {
    if (wireType == LEN) {
      Wire w = message();
      while (w.more()) out.add(w.varint());
    } else {
      out.add(varint());
    }
  }

  /** Like {@link #longs} for fixed32 floats. */
  void floats(int wireType, Onnx.FloatList out) {
    if (wireType == LEN) {
      Wire w = message();
      while (w.more()) out.add(Float.intBitsToFloat(w.fixed32()));
    } else {
      out.add(Float.intBitsToFloat(fixed32()));
    }
  }
}

package dev.rlcompress.rt.onnx;

import dev.rlcompress.rt.MalformedModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON to read rlc's metadata values (the action head, the input shape): objects become
 * maps, arrays lists, numbers doubles. Not a general-purpose parser; it exists so the runtime needs no
 * JSON library.
 */
public final class Json {
  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  public static Object parse(String text) {
    Json j = new Json(text);
    Object v = j.value();
    j.space();
    if (j.pos != text.length()) throw j.error("trailing characters");
    return v;
  }

  /** A JSON array of numbers as floats. */
  public static float[] floats(Object v) {
    if (!(v instanceof List<?> l)) throw new MalformedModelException("expected a JSON array of numbers, got " + v);
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      if (!(l.get(i) instanceof Double d)) throw new MalformedModelException("expected a number, got " + l.get(i));
      f[i] = d.floatValue();
    }
    return f;
  }

  private Object value() {
    space();
    if (pos >= s.length()) throw error("unexpected end");
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    space();
    if (peek('}')) return m;
    do {
      space();
      String k = string();
      space();
      expect(':');
      m.put(k, value());
      space();
    } while (next(','));
    expect('}');
    return m;
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    pos++;
    space();
    if (peek(']')) return l;
    do l.add(value());
    while (nextAfterSpace(','));
    expect(']');
    return l;
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != '"') {
      char c = s.charAt(pos++);
      if (c == '\\') {
        if (pos >= s.length()) break;
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) throw error("bad \\u escape");
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    expect('"');
    return b.toString();
  }

  private Double number() {
    int start = pos;
    while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
    String t = s.substring(start, pos);
    if (t.equals("NaN") || t.isEmpty()) {
      // Gson writes non-finite floats as NaN / Infinity / -Infinity when asked to
      for (String w : new String[] {"NaN", "Infinity", "-Infinity"})
        if (s.startsWith(w, start)) {
          pos = start + w.length();
          return Double.parseDouble(w);
        }
      throw error("unexpected character");
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw error("bad number " + t);
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) throw error("unexpected character");
    pos += word.length();
    return v;
  }

  private void space() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
  }

  private boolean peek(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean next(char c) {
    return peek(c);
  }

  private boolean nextAfterSpace(char c) {
    space();
    return peek(c);
  }

  private void expect(char c) {
    if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
    pos++;
  }

  private MalformedModelException error(String what) {
    return new MalformedModelException("bad JSON in the model's metadata at character " + pos + ": " + what);
  }
}

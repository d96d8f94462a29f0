package dev.rlcompress.train;

import dev.rlcompress.util.Files2;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.BufferedInputStream;

/**
 * A training checkpoint: named float arrays (weights, optimiser moments, replay buffer) and named
 * numbers (step counters), written atomically so a crash mid-write keeps the previous checkpoint.
 */
public final class Checkpoint {
  private static final int MAGIC = 0x524c4331; // "RLC1"
  final Map<String, float[]> arrays = new LinkedHashMap<>();
  final Map<String, Long> numbers = new LinkedHashMap<>();
  final Map<String, String> strings = new LinkedHashMap<>();

  public void put(String key, float[] a) {
    arrays.put(key, a);
  }

  public void put(String key, long n) {
    numbers.put(key, n);
  }

  public void put(String key, String s) {
    strings.put(key, s);
  }

  public float[] array(String key) {
    float[] a = arrays.get(key);
    if (a == null) throw new IllegalStateException("checkpoint lacks " + key);
    return a;
  }

  public long number(String key) {
    Long n = numbers.get(key);
    if (n == null) throw new IllegalStateException("checkpoint lacks " + key);
    return n;
  }

  public String string(String key) {
    return strings.get(key);
  }

  /** Stores every parameter array of {@code net} under {@code prefix}. */
  public void putNet(String prefix, Mlp net) {
    for (int i = 0; i < net.params.length; i++) put(prefix + "." + i, net.params[i]);
  }

  /** Restores {@code net}'s parameters in place. */
  public void loadNet(String prefix, Mlp net) {
    for (int i = 0; i < net.params.length; i++) {
      float[] a = array(prefix + "." + i);
      if (a.length != net.params[i].length) throw new IllegalStateException("checkpoint shape mismatch for " + prefix);
      System.arraycopy(a, 0, net.params[i], 0, a.length);
    }
  }

  public void putAdam(String prefix, Adam adam) {
    for (int i = 0; i < adam.m.length; i++) {
      put(prefix + ".m." + i, adam.m[i]);
      put(prefix + ".v." + i, adam.v[i]);
    }
    put(prefix + ".t", adam.t);
  }

  public void loadAdam(String prefix, Adam adam) {
    for (int i = 0; i < adam.m.length; i++) {
      System.arraycopy(array(prefix + ".m." + i), 0, adam.m[i], 0, adam.m[i].length);
      System.arraycopy(array(prefix + ".v." + i), 0, adam.v[i], 0, adam.v[i].length);
    }
    adam.t = number(prefix + ".t");
  }

  public void write(Path path) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(strings.size());
      for (var e : strings.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(numbers.size());
      for (var e : numbers.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeInt(arrays.size());
      for (var e : arrays.entrySet()) {
        out.writeUTF(e.getKey());
        float[] a = e.getValue();
        out.writeInt(a.length);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(a.length * 4);
        b.asFloatBuffer().put(a);
        out.write(b.array());
      }
    }
    Files2.writeAtomically(path, bytes.toByteArray());
  }

  /** Reads a checkpoint to resume from; a damaged file is the user's problem to know about, in one line. */
  static Checkpoint readForResume(Path p) {
    try {
      return read(p);
    } catch (IOException e) {
      throw new dev.rlcompress.util.UserError("cannot resume from " + p + ": " + e.getMessage());
    }
  }

  /** Writes atomically, failing with one line (disk full, permissions). */
  void writeOrFail(Path p) {
    try {
      write(p);
    } catch (IOException e) {
      throw new dev.rlcompress.util.UserError("cannot write checkpoint " + p + ": " + e.getMessage());
    }
  }

  public static Checkpoint read(Path path) throws IOException {
    Checkpoint c = new Checkpoint();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
      if (in.readInt() != MAGIC) throw new IOException(path + " is not an rl-compress checkpoint");
      int ns = in.readInt();
      for (int i = 0; i < ns; i++) c.strings.put(in.readUTF(), in.readUTF());
      int nn = in.readInt();
      for (int i = 0; i < nn; i++) c.numbers.put(in.readUTF(), in.readLong());
      int na = in.readInt();
      for (int i = 0; i < na; i++) {
        String k = in.readUTF();
        int len = in.readInt();
        byte[] raw = new byte[len * 4];
        in.readFully(raw);
        float[] a = new float[len];
        java.nio.ByteBuffer.wrap(raw).asFloatBuffer().get(a);
        c.arrays.put(k, a);
      }
    }
    return c;
  }
}

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

/**
 * A training checkpoint: named float arrays (weights, optimiser moments, replay buffer) and named
 * numbers (step counters), written atomically so a crash mid-write keeps the previous checkpoint.
 */
public final class Checkpoint {
  private static final int MAGIC_V1 = 0x524c4331; // "RLC1": no checksum
  private static final int MAGIC = 0x524c4332; // "RLC2": CRC-32 of everything before it at the end
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

  /** Whether an array is stored under {@code key} (state added in later versions may be absent). */
  public boolean hasArray(String key) {
    return arrays.containsKey(key);
  }

  public float[] array(String key) {
    float[] a = arrays.get(key);
    if (a == null) throw new dev.rlcompress.util.UserError("the checkpoint lacks " + key + "; it was not written by this algorithm and version");
    return a;
  }

  public long number(String key) {
    Long n = numbers.get(key);
    if (n == null) throw new dev.rlcompress.util.UserError("the checkpoint lacks " + key + "; it was not written by this algorithm and version");
    return n;
  }

  public String string(String key) {
    return strings.get(key);
  }

  /** Stores each named array (a component's state, as {@link #loadArrays} restores it). */
  public void putArrays(Map<String, float[]> named) {
    named.forEach(this::put);
  }

  /**
   * Restores each named array in place from the arrays stored under the same names; a stored array of
   * another length (a run resumed with other sizes) is refused with a message naming it.
   */
  public void loadArrays(Map<String, float[]> named) {
    named.forEach((key, into) -> copyInto(key, into, key));
  }

  /** Stores parameter arrays (a network's, in order) under {@code prefix}. */
  public void putParams(String prefix, float[][] params) {
    for (int i = 0; i < params.length; i++) put(prefix + "." + i, params[i]);
  }

  /** Restores parameter arrays stored by {@link #putParams} in place. */
  public void loadParams(String prefix, float[][] params) {
    for (int i = 0; i < params.length; i++) copyInto(prefix + "." + i, params[i], prefix);
  }

  /** Stores every parameter array of {@code net} under {@code prefix}. */
  public void putNet(String prefix, Mlp net) {
    for (int i = 0; i < net.params.length; i++) put(prefix + "." + i, net.params[i]);
  }

  /** Restores {@code net}'s parameters in place. */
  public void loadNet(String prefix, Mlp net) {
    for (int i = 0; i < net.params.length; i++) {
      float[] a = array(prefix + "." + i);
      if (a.length != net.params[i].length) throw new dev.rlcompress.util.UserError("the checkpoint's " + prefix + " network has another shape than this run's");
      System.arraycopy(a, 0, net.params[i], 0, a.length);
    }
  }

  /** Stores a Java-kernel network's parameters under {@code prefix}. */
  public void putNet(String prefix, dev.rlcompress.train.nn.Mlp net) {
    float[][] p = net.params();
    for (int i = 0; i < p.length; i++) put(prefix + "." + i, p[i]);
  }

  /** Restores a Java-kernel network's parameters in place. */
  public void loadNet(String prefix, dev.rlcompress.train.nn.Mlp net) {
    float[][] p = net.params();
    for (int i = 0; i < p.length; i++) copyInto(prefix + "." + i, p[i], prefix);
    net.paramsChanged();
  }

  /** Stores the Java-kernel Adam's moments and step count. */
  public void putAdam(String prefix, dev.rlcompress.train.nn.Adam adam) {
    for (int i = 0; i < adam.firstMoments().length; i++) {
      put(prefix + ".m." + i, adam.firstMoments()[i]);
      put(prefix + ".v." + i, adam.secondMoments()[i]);
    }
    put(prefix + ".t", adam.steps());
  }

  public void loadAdam(String prefix, dev.rlcompress.train.nn.Adam adam) {
    for (int i = 0; i < adam.firstMoments().length; i++) {
      copyInto(prefix + ".m." + i, adam.firstMoments()[i], prefix);
      copyInto(prefix + ".v." + i, adam.secondMoments()[i], prefix);
    }
    adam.setSteps(number(prefix + ".t"));
  }

  private void copyInto(String key, float[] into, String what) {
    float[] a = array(key);
    if (a.length != into.length)
      throw new dev.rlcompress.util.UserError("the checkpoint's " + what + " has another shape than this run's");
    System.arraycopy(a, 0, into, 0, a.length);
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

  /**
   * One direction of a checkpoint, writing it or reading it back. A learner lists what it keeps once,
   * in a {@code keep(Io)} method walked in either direction, so that saving and restoring cannot drift
   * apart (a key written but never read, or read under another name).
   */
  public record Io(Checkpoint checkpoint, boolean saving) {
    public static Io saving(Checkpoint c) {
      return new Io(c, true);
    }

    public static Io loading(Checkpoint c) {
      return new Io(c, false);
    }

    /** Saves a Java-kernel network's parameters, or restores them in place. */
    public void net(String prefix, dev.rlcompress.train.nn.Mlp net) {
      if (saving) checkpoint.putNet(prefix, net);
      else checkpoint.loadNet(prefix, net);
    }

    /** Saves a Java-kernel Adam's moments and step count, or restores them. */
    public void adam(String prefix, dev.rlcompress.train.nn.Adam adam) {
      if (saving) checkpoint.putAdam(prefix, adam);
      else checkpoint.loadAdam(prefix, adam);
    }

    /** Saves {@code a}, or restores it in place (the stored array must have its length). */
    public void array(String key, float[] a) {
      if (saving) checkpoint.put(key, a);
      else checkpoint.copyInto(key, a, key);
    }

    /** Saves {@code value} and returns it, or returns the stored value: {@code n = io.number("n", n)}. */
    public long number(String key, long value) {
      if (!saving) return checkpoint.number(key);
      checkpoint.put(key, value);
      return value;
    }
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
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes.toByteArray());
    new DataOutputStream(bytes).writeLong(crc.getValue());
    Files2.writeAtomically(path, bytes.toByteArray());
  }

  /** The file an older checkpoint is kept in while a new one is written: what a corrupt latest one falls back to. */
  static Path previous(Path p) {
    return p.resolveSibling(p.getFileName() + ".prev");
  }

  /**
   * Reads the checkpoint to resume from, or null when there is none. A damaged latest checkpoint (torn
   * write, truncation, bit rot: the checksum tells) falls back to the previous one with a warning; with
   * no usable one the user is told in one line.
   */
  static Checkpoint readForResume(Path p) {
    Path prev = previous(p);
    if (!Files.exists(p) && !Files.exists(prev)) return null;
    String problem;
    try {
      if (Files.exists(p)) return read(p);
      problem = p + " is missing";
    } catch (IOException e) {
      problem = p + " is corrupt (" + e.getMessage() + ")";
    }
    if (Files.exists(prev)) {
      try {
        Checkpoint c = read(prev);
        System.err.println("rlc: warning: " + problem + "; resuming from the previous checkpoint " + prev);
        return c;
      } catch (IOException e) {
        problem += " and so is " + prev;
      }
    }
    throw new dev.rlcompress.util.UserError("cannot resume: " + problem + "; delete it to start over");
  }

  /**
   * Writes atomically, keeping the checkpoint it replaces as {@link #previous}; fails with one line
   * (disk full, permissions).
   */
  void writeOrFail(Path p) {
    try {
      if (Files.exists(p)) Files.move(p, previous(p), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      write(p);
    } catch (IOException e) {
      throw new dev.rlcompress.util.UserError("cannot write checkpoint " + p + ": " + e.getMessage());
    }
  }

  public static Checkpoint read(Path path) throws IOException {
    byte[] all = Files.readAllBytes(path);
    if (all.length < 4) throw new IOException("truncated: " + all.length + " bytes");
    int magic = java.nio.ByteBuffer.wrap(all).getInt();
    if (magic != MAGIC && magic != MAGIC_V1) throw new IOException("not an rl-compress checkpoint");
    int body = all.length;
    if (magic == MAGIC) {
      if (all.length < 12) throw new IOException("truncated: " + all.length + " bytes");
      body = all.length - 8;
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(all, 0, body);
      if (crc.getValue() != java.nio.ByteBuffer.wrap(all, body, 8).getLong())
        throw new IOException("checksum mismatch: truncated or damaged");
    }
    Checkpoint c = new Checkpoint();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, body))) {
      in.readInt();
      int ns = in.readInt();
      for (int i = 0; i < ns; i++) c.strings.put(in.readUTF(), in.readUTF());
      int nn = in.readInt();
      for (int i = 0; i < nn; i++) c.numbers.put(in.readUTF(), in.readLong());
      int na = in.readInt();
      for (int i = 0; i < na; i++) {
        String k = in.readUTF();
        int len = in.readInt();
        if (len < 0 || len > body / 4) throw new IOException("damaged: bad array length " + len);
        byte[] raw = new byte[len * 4];
        in.readFully(raw);
        float[] a = new float[len];
        java.nio.ByteBuffer.wrap(raw).asFloatBuffer().get(a);
        c.arrays.put(k, a);
      }
    } catch (java.io.EOFException e) {
      throw new IOException("truncated");
    }
    return c;
  }
}

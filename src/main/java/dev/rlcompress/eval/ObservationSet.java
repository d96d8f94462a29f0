package dev.rlcompress.eval;

import dev.rlcompress.util.Files2;
import dev.rlcompress.util.Lists;
import dev.rlcompress.util.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A stored observation set: the inputs every variant of a model is timed on, saved beside the model so
 * that latencies measured in different runs, or by other tools, use the same data (the pixel-game
 * study's {@code data.npy}). The file is a NumPy {@code .npz} archive holding one array,
 * {@code observations}, of shape {@code [n, ...observation shape]}: uint8 when every value is a whole
 * number in 0..255 (Atari frames; 28 KB each before compression), float32 otherwise. NumPy reads it
 * with {@code np.load(path)["observations"]}.
 */
public final class ObservationSet {
  /** Observations a saved set keeps: ten batches of 100, what the batched latency cycles through. */
  public static final int SIZE = 1000;

  private static final String ENTRY = "observations.npy";
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<|>]?)([uf])(\\d)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  private ObservationSet() {}

  /** Up to {@link #SIZE} of {@code visited}, evenly spaced, so that the set spans whole episodes. */
  public static List<float[]> sample(List<float[]> visited) {
    return List.copyOf(Lists.evenlySpaced(visited, SIZE));
  }

  /** Writes {@code obs} (each of {@code shape}'s size) to {@code file}, replacing it only once complete. */
  public static void write(Path file, List<float[]> obs, int[] shape) {
    if (obs.isEmpty()) throw new UserError("no observations to store in " + file);
    int size = 1;
    for (int d : shape) size *= d;
    boolean bytes = true;
    for (float[] o : obs) {
      if (o.length != size) throw new IllegalArgumentException("observation of " + o.length + " values, shape holds " + size);
      for (float v : o) if (v != Math.rint(v) || v < 0 || v > 255) bytes = false;
    }
    StringBuilder dims = new StringBuilder().append(obs.size());
    for (int d : shape) dims.append(", ").append(d);
    String header = "{'descr': '" + (bytes ? "|u1" : "<f4") + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad % 64) + "\n";
    ByteBuffer data = ByteBuffer.allocate(obs.size() * size * (bytes ? 1 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] o : obs) for (float v : o) if (bytes) data.put((byte) (int) v); else data.putFloat(v);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry(ENTRY));
      z.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      byte[] h = header.getBytes(StandardCharsets.US_ASCII);
      z.write(new byte[] {(byte) h.length, (byte) (h.length >> 8)});
      z.write(h);
      z.write(data.array());
      z.closeEntry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Files2.writeAtomically(file, zip.toByteArray());
  }

  /** Reads a set written by {@link #write} (or by NumPy: uint8 or float32, C order) for a model of {@code inputSize} inputs. */
  public static List<float[]> read(Path file, int inputSize) {
    try (InputStream in = Files.newInputStream(file); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; )
        if (e.getName().equals(ENTRY)) return parse(z.readAllBytes(), inputSize, file);
      throw new UserError(file + " holds no " + ENTRY + " (an observation set is an .npz with an 'observations' array)");
    } catch (IOException e) {
      throw new UserError("cannot read the observation set " + file + ": " + e.getMessage());
    }
  }

  private static List<float[]> parse(byte[] npy, int inputSize, Path file) {
    if (npy.length < 10 || npy[0] != (byte) 0x93 || npy[1] != 'N')
      throw new UserError(file + ": observations.npy is not a NumPy array file");
    int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
    String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
    Matcher d = DESCR.matcher(header), s = SHAPE.matcher(header);
    if (!d.find() || !s.find() || header.contains("'fortran_order': True"))
      throw new UserError(file + ": observations must be a C-order uint8 or float32 array (header " + header.trim() + ")");
    boolean bytes = d.group(2).equals("u") && d.group(3).equals("1");
    if (!bytes && !(d.group(2).equals("f") && d.group(3).equals("4")) || d.group(1).equals(">"))
      throw new UserError(file + ": observations must be uint8 or little-endian float32, not " + d.group());
    String[] dims = s.group(1).split(",");
    int n = Integer.parseInt(dims[0].trim()), size = 1;
    for (int i = 1; i < dims.length; i++) if (!dims[i].isBlank()) size *= Integer.parseInt(dims[i].trim());
    if (size != inputSize)
      throw new UserError(file + " holds observations of " + size + " values; the model takes " + inputSize);
    ByteBuffer data = ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] o = new float[size];
      for (int k = 0; k < size; k++) o[k] = bytes ? data.get() & 0xff : data.getFloat();
      out.add(o);
    }
    if (out.isEmpty()) throw new UserError(file + " holds no observations");
    return out;
  }
}

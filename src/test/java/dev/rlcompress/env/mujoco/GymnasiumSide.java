package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.python.PythonEnv;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gymnasium itself, running in the project's Python environment as one long-lived process
 * ({@code src/test/resources/mujoco/gymnasium_side.py}), for the parity tests and the benchmark.
 * Starting it fails (never skips) when Python, Gymnasium or MuJoCo cannot run.
 */
public final class GymnasiumSide implements AutoCloseable {
  private final Process process;
  private final OutputStream in;
  private final DataInputStream out;
  private final Path stderr;

  public GymnasiumSide() {
    try {
      Path script = Path.of(GymnasiumSide.class.getResource("/mujoco/gymnasium_side.py").toURI());
      stderr = Files.createTempFile("gymnasium-side", ".log");
      process = new ProcessBuilder(PythonEnv.get().python().toString(), "-u", script.toString())
          .redirectError(stderr.toFile())
          .start();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot start Gymnasium's side: " + e, e);
    }
    in = process.getOutputStream();
    out = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 1 << 16));
  }

  /** Sends one request and returns its answer, little-endian; Python's errors become exceptions. */
  public ByteBuffer request(String command, String spec, long seed, String arg, byte[] payload) {
    send(command, spec, seed, arg, payload);
    return receive(spec);
  }

  /** Sends a request without waiting, so that Java can work while Python does; then {@link #receive}. */
  public void send(String command, String spec, long seed, String arg, byte[] payload) {
    try {
      in.write((command + " " + spec + " " + seed + " " + arg + " " + payload.length + "\n").getBytes(StandardCharsets.UTF_8));
      in.write(payload);
      in.flush();
    } catch (IOException e) {
      throw new IllegalStateException("Gymnasium's side stopped: " + e.getMessage() + stderrTail(), e);
    }
  }

  /** The answer to the oldest request not yet received. */
  public ByteBuffer receive(String spec) {
    try {
      String status = line(out);
      if (!status.equals("OK")) throw new IllegalStateException("Gymnasium (" + spec + "): " + status + stderrTail());
      byte[] len = out.readNBytes(8);
      long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return ByteBuffer.wrap(out.readNBytes((int) n)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new IllegalStateException("Gymnasium's side stopped: " + e.getMessage() + stderrTail(), e);
    }
  }

  private String stderrTail() {
    try {
      String s = Files.readString(stderr);
      return s.isBlank() ? "" : "\n--- Python stderr ---\n" + s.substring(Math.max(0, s.length() - 3000));
    } catch (IOException e) {
      return "";
    }
  }

  private static String line(InputStream s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = s.read()) != '\n') {
      if (c < 0) throw new IOException("end of output");
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Little-endian float32 bytes of actions (one row per step). */
  public static byte[] float32(float[][] rows) {
    int n = 0;
    for (float[] r : rows) n += r.length;
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) for (float v : r) b.putFloat(v);
    return b.array();
  }

  public static double[] doubles(ByteBuffer b, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = b.getDouble();
    return x;
  }

  @Override
  public void close() {
    try {
      in.close();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
      Files.deleteIfExists(stderr);
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }
}

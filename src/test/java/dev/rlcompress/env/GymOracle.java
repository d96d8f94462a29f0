package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.env.python.PythonEnv;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Reference values from the real NumPy and Gymnasium: runs {@code src/test/resources/gym_oracle.py}
 * once (one Python process per test class) in the project's {@code .venv} and reads what it wrote.
 * When Python cannot run, the test fails: parity that was not checked must not look like parity.
 */
public final class GymOracle {
  private final JsonObject values;
  private final Path dir;

  private GymOracle(JsonObject values, Path dir) {
    this.values = values;
    this.dir = dir;
  }

  /** Runs the helper in {@code mode} (numpy, classic or lunar). */
  public static GymOracle run(String mode) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gym-oracle-" + mode);
      Path script = PythonEnv.projectRoot().resolve("src/test/resources/gym_oracle.py");
      Process p = new ProcessBuilder(PythonEnv.get().python().toString(), script.toString(), mode, dir.toString())
          .redirectErrorStream(true)
          .start();
      String output = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) fail("gym_oracle.py " + mode + " failed:\n" + output);
      JsonObject v = JsonParser.parseString(Files.readString(dir.resolve("values.json"))).getAsJsonObject();
      return new GymOracle(v, dir);
    } catch (IOException | RuntimeException e) {
      return fail("cannot run the NumPy/Gymnasium reference (gym_oracle.py " + mode + "): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(e);
    }
  }

  public JsonObject values() {
    return values;
  }

  /** A bulk array the helper wrote as raw little-endian doubles. */
  public double[] doubles(String name) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".f64"))).order(ByteOrder.LITTLE_ENDIAN);
      double[] out = new double[b.remaining() / 8];
      b.asDoubleBuffer().get(out);
      return out;
    } catch (IOException e) {
      return fail(e);
    }
  }

  public static double[] doubles(JsonElement array) {
    var a = array.getAsJsonArray();
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
    return out;
  }

  public static long[] longs(JsonElement array) {
    var a = array.getAsJsonArray();
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
    return out;
  }

  /** Deletes the helper's output. */
  public void delete() {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}

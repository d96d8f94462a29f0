package dev.rlcompress.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.python.PythonEnv;
import dev.rlcompress.util.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored observation set: exact round trips in both element types, and NumPy reads what Java wrote. */
class ObservationSetTest {
  @TempDir Path dir;

  @Test
  void framesAreStoredAsBytesAndFloatsAsFloatsExactly() throws Exception {
    SplittableRandom rng = new SplittableRandom(1);
    List<float[]> frames = new ArrayList<>(), states = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      float[] f = new float[2 * 3 * 4], s = new float[5];
      for (int k = 0; k < f.length; k++) f[k] = rng.nextInt(256);
      for (int k = 0; k < s.length; k++) s[k] = (float) rng.nextGaussian();
      frames.add(f);
      states.add(s);
    }
    Path bytes = dir.resolve("frames.npz"), floats = dir.resolve("states.npz");
    ObservationSet.write(bytes, frames, new int[] {2, 3, 4});
    ObservationSet.write(floats, states, new int[] {5});
    List<float[]> a = ObservationSet.read(bytes, 24), b = ObservationSet.read(floats, 5);
    for (int i = 0; i < 7; i++) {
      assertArrayEquals(frames.get(i), a.get(i));
      assertArrayEquals(states.get(i), b.get(i));
    }
    UserError e = assertThrows(UserError.class, () -> ObservationSet.read(bytes, 25));
    assertTrue(e.getMessage().contains("24 values"), e.getMessage());

    // NumPy's own reader: dtype, shape and the values' sums
    String script = "import numpy as np, sys\n"
        + "a = np.load(sys.argv[1])['observations']; b = np.load(sys.argv[2])['observations']\n"
        + "print(a.dtype, a.shape, int(a.astype(np.int64).sum()), b.dtype, b.shape, repr(float(b.astype(np.float64).sum())))\n";
    Process p = new ProcessBuilder(PythonEnv.get().python().toString(), "-c", script, bytes.toString(), floats.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    long byteSum = 0;
    double floatSum = 0;
    for (int i = 0; i < 7; i++) {
      for (float v : frames.get(i)) byteSum += (long) v;
      for (float v : states.get(i)) floatSum += v;
    }
    String[] f = out.split(" ", 3);
    assertEquals("uint8", f[0]);
    assertTrue(out.contains("(7, 2, 3, 4) " + byteSum + " float32 (7, 5) "), out);
    assertEquals(floatSum, Double.parseDouble(out.substring(out.lastIndexOf(' ') + 1)), 1e-4);
  }

  @Test
  void sampleSpansTheWholeVisitedSequence() {
    List<float[]> visited = new ArrayList<>();
    for (int i = 0; i < 4000; i++) visited.add(new float[] {i});
    List<float[]> s = ObservationSet.sample(visited);
    assertEquals(ObservationSet.SIZE, s.size());
    assertEquals(0f, s.get(0)[0]);
    assertEquals(3996f, s.get(s.size() - 1)[0]);
  }
}

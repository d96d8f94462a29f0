package dev.rlcompress.env.gym;

import com.google.gson.JsonObject;
import dev.rlcompress.env.EnvBatch;
import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.python.PythonEnv;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Environment steps per second through the bridge and in Gymnasium itself (a {@code SyncVectorEnv}
 * of the same env, with the same preprocessing for the ALE ids), with random actions and automatic
 * resets on both sides, one measurement after the other in one run so that the rates compare.
 */
public final class GymBenchmark {
  private GymBenchmark() {}

  /** Steps/s of {@code n} copies through the bridge on {@code workers} workers (start-up not counted). */
  public static double bridge(String spec, int n, int workers, double seconds) {
    EnvOptions o = new EnvOptions(EnvSpec.parse(spec));
    try (EnvBatch batch = GymBridge.batch(o, n, BridgeSettings.defaults().withWorkers(workers))) {
      o.requireAllUsed();
      if (!(batch.env(0).actionSpace() instanceof Space.Discrete d))
        throw new UserError("bench-env measures discrete-action envs; " + spec + " has continuous actions");
      float[][] obs = new float[n][];
      Step[] steps = new Step[n];
      int[] actions = new int[n];
      SplittableRandom rng = new SplittableRandom(0);
      batch.reset(0, obs);
      long count = 0, start = System.nanoTime(), end = start + (long) (seconds * 1e9), now;
      do {
        for (int i = 0; i < n; i++) actions[i] = rng.nextInt(d.n());
        batch.step(actions, steps, obs);
        count += n;
      } while ((now = System.nanoTime()) < end);
      return count / ((now - start) / 1e9);
    }
  }

  /** What runs in Python alone for {@link #python}. */
  public enum Baseline {
    /** Gymnasium's {@code SyncVectorEnv}; the ALE ids under Gymnasium's AtariPreprocessing + FrameStackObservation. */
    GYMNASIUM,
    /** The worker's own environment classes stepped in one Python process, no pipes: the bridge minus the bridge. */
    WORKER
  }

  /** Steps/s of {@code n} copies of what {@code spec} names, stepped in Python alone. */
  public static double python(String spec, int n, double seconds, Baseline baseline) {
    EnvSpec s = EnvSpec.parse(spec);
    if (!GymBridge.serves(s.id())) throw new UserError(spec + " is not a Gymnasium-hosted id (gym:<id> or ALE/<Game>-v5)");
    boolean gym = s.id().startsWith(GymBridge.PREFIX);
    if (!gym && !s.options().isEmpty())
      throw new UserError("bench-env compares " + s.id() + " with its default options only");
    JsonObject kwargs = new JsonObject();
    s.options().forEach(kwargs::addProperty);
    try {
      List<String> cmd = new ArrayList<>(List.of(PythonEnv.get().python().toString(), script().toString(),
          baseline.name().toLowerCase(java.util.Locale.ROOT), gym ? "gym" : "atari",
          gym ? s.id().substring(GymBridge.PREFIX.length()) : s.id(), kwargs.toString(),
          Integer.toString(n), Double.toString(seconds), GymWorker.script().toString()));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (p.waitFor() != 0 || out.isEmpty()) throw new UserError("the Python baseline for " + spec + " failed (exit " + p.exitValue() + ")");
      String[] lines = out.split("\n");
      return Double.parseDouble(lines[lines.length - 1]);
    } catch (IOException e) {
      throw new UserError("cannot run the Python baseline: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
  }

  private static Path script() throws IOException {
    Path target = Files.createTempFile("rlc-gym-bench", ".py");
    target.toFile().deleteOnExit();
    try (InputStream in = GymBenchmark.class.getResourceAsStream("bench.py")) {
      Files.write(target, in.readAllBytes());
    }
    return target;
  }
}

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

  /**
   * One measurement: wall-clock rate, and CPU time per env step summed over the processes that did
   * the work (Java's stepping thread and the workers, or the Python process). On a shared machine the
   * CPU cost is the steadier figure: a process that waits on a pipe is scheduled differently from one
   * that computes all the time, so wall-clock rates under load favour neither side reliably.
   */
  public record Rate(double stepsPerSecond, double cpuMicrosPerStep) {}

  /** {@code n} copies through the bridge on {@code workers} workers (start-up and a warm-up of a quarter of {@code seconds} not counted). */
  public static Rate bridge(String spec, int n, int workers, double seconds) {
    EnvOptions o = new EnvOptions(EnvSpec.parse(spec));
    try (EnvBatch batch = GymBridge.batch(o, n, BridgeSettings.defaults().withWorkers(workers))) {
      o.requireAllUsed();
      if (!(batch.env(0).actionSpace() instanceof Space.Discrete d))
        throw new UserError("bench-env measures discrete-action envs; " + spec + " has continuous actions");
      float[][] obs = new float[n][];
      Step[] steps = new Step[n];
      int[] actions = new int[n];
      SplittableRandom rng = new SplittableRandom(0);
      long[] seeds = new long[n];
      for (int i = 0; i < n; i++) seeds[i] = i;
      batch.reset(seeds, obs);
      java.util.Arrays.fill(seeds, -1); // later episodes continue each copy's stream, as the Python side does
      for (long warm = System.nanoTime() + (long) (seconds * 0.25e9); System.nanoTime() < warm; ) { // JIT, caches
        for (int i = 0; i < n; i++) actions[i] = rng.nextInt(d.n());
        batch.step(actions, seeds, steps, obs);
      }
      List<ProcessHandle> procs = new ArrayList<>();
      for (int i = 0; i < n; i++) ProcessHandle.of(((GymEnv) batch.env(i)).workerPid()).ifPresent(procs::add);
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime() + cpuNanos(procs);
      long count = 0, start = System.nanoTime(), end = start + (long) (seconds * 1e9), now;
      do {
        for (int i = 0; i < n; i++) actions[i] = rng.nextInt(d.n());
        batch.step(actions, seeds, steps, obs);
        count += n;
      } while ((now = System.nanoTime()) < end);
      long cpu = threads.getCurrentThreadCpuTime() + cpuNanos(procs) - cpu0;
      return new Rate(count / ((now - start) / 1e9), cpu / 1e3 / count);
    }
  }

  private static long cpuNanos(List<ProcessHandle> procs) {
    return procs.stream().distinct().mapToLong(p -> p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
  }

  /** What runs in Python alone for {@link #python}. */
  public enum Baseline {
    /** Gymnasium's {@code SyncVectorEnv}; the ALE ids under Gymnasium's AtariPreprocessing + FrameStackObservation. */
    GYMNASIUM,
    /** The worker's own environment classes stepped in one Python process, no pipes: the bridge minus the bridge. */
    WORKER
  }

  /** {@code n} copies of what {@code spec} names, stepped in Python alone. */
  public static Rate python(String spec, int n, double seconds, Baseline baseline) {
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
      String[] last = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
      return new Rate(Double.parseDouble(last[0]), Double.parseDouble(last[1]));
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

  /**
   * What {@code rlc bench-env} measures: every env id × copy count through Gymnasium in Python, the
   * worker code without pipes, the bridge with one worker and (when {@code workers} > 1) with several.
   *
   * @param seconds length of each measurement; {@code rounds} turns per measurement, the median shown
   */
  public record Plan(java.util.List<String> ids, java.util.List<Integer> counts, int workers, double seconds, int rounds) {}

  /** Runs {@code plan}, the ways of stepping interleaved per round, and returns the Markdown table. */
  public static String table(Plan plan) {
    StringBuilder out = new StringBuilder("| env | copies | stepped by | env steps/s | vs Gymnasium | CPU µs per env step | vs Gymnasium |\n");
    out.append("|---|---:|---|---:|---:|---:|---:|\n");
    double seconds = plan.seconds();
    for (String id : plan.ids()) {
      for (int n : plan.counts()) {
        int w = Math.min(n, plan.workers());
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("Gymnasium", "worker code, no pipes", "bridge, 1 worker"));
        java.util.List<java.util.function.Supplier<Rate>> runs = new java.util.ArrayList<>(java.util.List.of(
            () -> python(id, n, seconds, Baseline.GYMNASIUM),
            () -> python(id, n, seconds, Baseline.WORKER),
            () -> bridge(id, n, 1, seconds)));
        if (w > 1) {
          names.add("bridge, " + w + " workers");
          runs.add(() -> bridge(id, n, w, seconds));
        }
        double[][] rate = new double[runs.size()][plan.rounds()], cpu = new double[runs.size()][plan.rounds()];
        for (int r = 0; r < plan.rounds(); r++) {
          for (int c = 0; c < runs.size(); c++) {
            Rate x = runs.get(c).get();
            rate[c][r] = x.stepsPerSecond();
            cpu[c][r] = x.cpuMicrosPerStep();
          }
        }
        double base = median(rate[0]), baseCpu = median(cpu[0]);
        for (int c = 0; c < runs.size(); c++) {
          double m = median(rate[c]), u = median(cpu[c]);
          // CPU ratio as a rate: Gymnasium's CPU per step over this one's (above 100%: cheaper than Gymnasium)
          out.append(String.format("| %s | %d | %s | %,.0f | %.0f%% | %.1f | %.0f%% |%n", id, n, names.get(c), m, 100 * m / base, u, 100 * baseCpu / u));
        }
      }
    }
    return out.toString();
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}

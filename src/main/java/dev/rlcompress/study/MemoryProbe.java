package dev.rlcompress.study;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Memory and energy of one variant, measured in an isolated child process that loads and runs only that
 * variant: the same java and classpath, a small pre-touched fixed heap (so heap growth does not pose as
 * the model's memory), {@code main} below. The child reads its peak resident set (VmHWM in
 * /proc/self/status) once the runtime is up with no model (the empty-runtime baseline) and again after
 * loading the model and running the workload; the difference is the model's own share. The same
 * workload's CPU time (or RAPL energy) gives the energy per inference ({@link Energy}).
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  /**
   * @param baselineKb peak RSS of the child with the runtime loaded and no model
   * @param peakKb peak RSS after loading the model and running the workload
   * @param joulesPerInference energy per single inference (one observation) over the workload
   */
  public record Result(long baselineKb, long peakKb, long cpuNanos, long inferences, double joulesPerInference,
      Energy.Method energyMethod) {
    public long modelKb() {
      return peakKb - baselineKb;
    }
  }

  static final List<String> CHILD_JVM = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
      "-XX:CICompilerCount=2", "--enable-native-access=ALL-UNNAMED");

  /**
   * Runs the probe for {@code model}: {@code passes} warm passes are discarded, then {@code passes}
   * timed passes of batch {@code batch} on fixed pseudo-random observations.
   */
  public static Result measure(Path model, int passes, int batch, double wattsPerCore) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(CHILD_JVM);
    cmd.add(MemoryProbe.class.getName());
    cmd.add(model.toAbsolutePath().toString());
    cmd.add(Integer.toString(passes));
    cmd.add(Integer.toString(batch));
    cmd.add(Double.toString(wattsPerCore));
    Process p = null;
    try {
      Path err = Files.createTempFile("rlc-probe", ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        // The class path goes in the environment, not on the command line: ONNX Runtime 1.29's native start-up
        // dies of SIGSEGV (exit 139, no hs_err file) when the JVM's command line is long (measured on JDK 25.0.3:
        // from about 4 KB with the default 1 MB stack, and at 21 KB even with -Xss4m), and a Spark executor's
        // expanded class path is 10-20 KB.
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) throw new UserError("memory probe for " + model + " did not finish in 300 s");
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
        if (p.exitValue() != 0 || !last.startsWith("{")) {
          String why = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING")).reduce((a, b) -> b).orElse("");
          throw new UserError("memory probe for " + model + " failed (exit " + p.exitValue() + "): " + why);
        }
        JsonObject o = new Gson().fromJson(last, JsonObject.class);
        return new Result(o.get("baseline_kb").getAsLong(), o.get("peak_kb").getAsLong(), o.get("cpu_ns").getAsLong(),
            o.get("inferences").getAsLong(), o.get("joules_per_inference").getAsDouble(),
            Energy.Method.of(o.get("energy_method").getAsString()));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UserError("cannot run the memory probe: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("memory probe interrupted");
    } finally {
      if (p != null && p.isAlive()) p.destroyForcibly();
    }
  }

  /** Peak resident set size of this process in kB (VmHWM), or -1 where /proc is not there. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status")))
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The child: {@code MODEL PASSES BATCH WATTS_PER_CORE}; prints one JSON line. */
  public static void main(String[] args) {
    // Never outlive the study that started it (a study killed with -9 leaves no probe behind).
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    Path model = Path.of(args[0]);
    int passes = Integer.parseInt(args[1]), batch = Integer.parseInt(args[2]);
    double watts = Double.parseDouble(args[3]);
    CellExecutor.loadRuntime();
    long baseline = peakRssKb();
    try (CellExecutor.Inference inf = CellExecutor.open(model)) {
      FloatBuffer in = ByteBuffer.allocateDirect(batch * inf.inputSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      Random rng = new Random(42);
      while (in.hasRemaining()) in.put((float) rng.nextGaussian());
      for (int i = 0; i < passes; i++) inf.run(in.rewind(), batch); // warm-up
      List<Path> rapl = Energy.raplCounters();
      long[] e0 = rapl.isEmpty() ? null : Energy.readRapl(rapl);
      var threads = ManagementFactory.getThreadMXBean();
      long c0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < passes; i++) inf.run(in.rewind(), batch);
      long cpu = threads.getCurrentThreadCpuTime() - c0;
      long[] e1 = e0 == null ? null : Energy.readRapl(rapl);
      long inferences = (long) passes * batch;
      boolean measured = e0 != null && e1 != null;
      double joules = measured ? Energy.raplJoules(rapl, e0, e1) : Energy.estimateJoules(cpu, watts);
      JsonObject o = new JsonObject();
      o.addProperty("baseline_kb", baseline);
      o.addProperty("peak_kb", peakRssKb());
      o.addProperty("cpu_ns", cpu);
      o.addProperty("inferences", inferences);
      o.addProperty("joules_per_inference", joules / inferences);
      o.addProperty("energy_method", measured ? "RAPL" : "ESTIMATE");
      System.out.println(o);
    }
    System.exit(0);
  }
}

package dev.rlcompress.cli;

import dev.rlcompress.train.nn.Mlp;
import dev.rlcompress.train.nn.UpdateBench;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-train",
    description = {
      "Training speed of the MLP backends: TD3- and SAC-shaped updates per second on one core.",
      "",
      "Runs the network work of one TD3 update (twin critics forward/backward/Adam, target forwards, actor",
      "through the critic every second step, soft updates) and one SAC update (tanh-Gaussian actor, twin",
      "critics, entropy coefficient) on random replay data, with the Java Vector API kernels and with",
      "PyTorch through DJL, plus single-network timings at batch 256 and 1. Rates use the thread's CPU",
      "time, so they mean one core even on a shared machine; the wall-clock rate is printed beside them.",
      "Prints markdown."
    },
    mixinStandardHelpOptions = true)
final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--algos", defaultValue = "td3,sac", split = ",", description = "Update shapes (default: ${DEFAULT-VALUE}).")
  List<String> algos;

  @Option(names = "--backends", defaultValue = "JAVA,DJL", split = ",", description = "JAVA, DJL (default: ${DEFAULT-VALUE}).")
  List<Mlp.Backend> backends;

  @Option(names = "--seconds", defaultValue = "2", description = "CPU seconds measured per update row, after half as much warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--obs", defaultValue = "17", description = "Observation size (default: ${DEFAULT-VALUE}, HalfCheetah).")
  int obs;

  @Option(names = "--act", defaultValue = "6", description = "Action size (default: ${DEFAULT-VALUE}).")
  int act;

  @Option(names = "--hidden", defaultValue = "256", description = "Width of the two hidden layers (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--batch", defaultValue = "256", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws Exception {
    if (!(seconds > 0 && seconds <= 30)) throw new UserError("--seconds must be in (0, 30]: " + seconds);
    if (obs <= 0 || act <= 0 || hidden <= 0 || batch <= 0) throw new UserError("--obs, --act, --hidden and --batch must be positive");
    for (String a : algos) if (!a.equals("td3") && !a.equals("sac")) throw new UserError("unknown --algos entry '" + a + "' (td3, sac)");
    double mhz = cpuMhz(), lanes = FloatVector.SPECIES_PREFERRED.length();
    double nominal = mhz * 1e-3 * 2 * lanes * 2, avx2 = mhz * 1e-3 * 2 * 8 * 2, peak = UpdateBench.fmaPeakGflops(1);
    System.out.printf("CPU: %s, %.0f MHz (/proc/cpuinfo); JVM vector width %d floats%n", cpuModel(), mhz, (int) lanes);
    System.out.printf("FMA peak, one core: measured %.1f GFLOP/s (vector FMA loop); nominal %.1f (2 FMA units x %d lanes x 2 x clock); AVX2 nominal %.1f%n%n",
        peak, nominal, (int) lanes, avx2);

    UpdateBench.Shape shape = new UpdateBench.Shape(obs, act, hidden, batch);
    System.out.println("| update | backend | updates/s (CPU) | updates/s (wall) | MFLOP/update | GFLOP/s | % measured peak | % nominal peak | bytes/update |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String algo : algos) {
      for (Mlp.Backend b : backends) {
        UpdateBench.Result r = UpdateBench.run(algo, b, shape, seconds / 2, seconds);
        System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f%% | %.1f%% | %,.0f |%n", algo.toUpperCase(), b, r.updatesPerCpuSecond(), r.updatesPerWallSecond(),
            r.flopsPerUpdate() / 1e6, r.gflops(), 100 * r.gflops() / peak, 100 * r.gflops() / nominal, r.bytesPerUpdate());
      }
    }
    System.out.println();
    int[] critic = {obs + act, hidden, hidden, 1}, actor = {obs, hidden, hidden, act};
    System.out.println("| network | batch | work | " + String.join(" | ", backends.stream().map(b -> b + " (µs, CPU)").toList()) + " |");
    System.out.println("|---|---:|---|" + "---:|".repeat(backends.size()));
    row("critic " + dims(critic), critic, batch, true);
    row("critic " + dims(critic), critic, batch, false);
    row("actor " + dims(actor), actor, 1, false);
    return 0;
  }

  private void row(String name, int[] sizes, int b, boolean train) {
    StringBuilder sb = new StringBuilder(String.format("| %s | %d | %s |", name, b, train ? "forward + backward + Adam" : "forward"));
    for (Mlp.Backend be : backends) sb.append(String.format(" %.1f |", UpdateBench.micros(be, sizes, b, train, Math.min(1, seconds / 2))));
    System.out.println(sb);
  }

  private static String dims(int[] s) {
    return String.join("-", java.util.Arrays.stream(s).mapToObj(Integer::toString).toList());
  }

  private static String cpuModel() {
    return cpuinfo("model name").orElse("unknown CPU");
  }

  private static double cpuMhz() {
    return cpuinfo("cpu MHz").map(Double::parseDouble).orElse(Double.NaN);
  }

  private static java.util.Optional<String> cpuinfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst();
    } catch (java.io.IOException e) {
      return java.util.Optional.empty();
    }
  }
}

package dev.rlcompress.train.nn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * The training-speed report of {@code rlc bench-train} as Markdown: TD3- and SAC-shaped updates per
 * second on one core for each backend ({@link UpdateBench}), their share of the measured and the nominal
 * FMA peak, and single-network timings.
 */
public final class UpdateBenchReport {
  private UpdateBenchReport() {}

  /**
   * What to measure.
   *
   * @param algos update shapes: td3, sac
   * @param seconds CPU seconds per update row, after half as much warm-up
   */
  public record Config(List<String> algos, List<Mlp.Backend> backends, UpdateBench.Shape shape, double seconds) {}

  public static String markdown(Config c) {
    StringBuilder out = new StringBuilder();
    List<String> algos = c.algos();
    List<Mlp.Backend> backends = c.backends();
    int obs = c.shape().obs(), act = c.shape().act(), hidden = c.shape().hidden(), batch = c.shape().batch();
    double seconds = c.seconds();
    double mhz = cpuMhz(), lanes = FloatVector.SPECIES_PREFERRED.length();
    double nominal = mhz * 1e-3 * 2 * lanes * 2, avx2 = mhz * 1e-3 * 2 * 8 * 2, peak = UpdateBench.fmaPeakGflops(1);
    out.append(String.format("CPU: %s, %.0f MHz (/proc/cpuinfo); JVM vector width %d floats%n", cpuModel(), mhz, (int) lanes));
    out.append(String.format("FMA peak, one core: measured %.1f GFLOP/s (vector FMA loop); nominal %.1f (2 FMA units x %d lanes x 2 x clock); AVX2 nominal %.1f%n%n",
        peak, nominal, (int) lanes, avx2));

    UpdateBench.Shape shape = c.shape();
    out.append(line("| update | backend | updates/s (CPU) | updates/s (wall) | MFLOP/update | GFLOP/s | % measured peak | % nominal peak | bytes/update |"));
    out.append(line("|---|---|---:|---:|---:|---:|---:|---:|---:|"));
    for (String algo : algos) {
      for (Mlp.Backend b : backends) {
        UpdateBench.Result r = UpdateBench.run(algo, b, shape, seconds / 2, seconds);
        out.append(String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f%% | %.1f%% | %,.0f |%n", algo.toUpperCase(), b, r.updatesPerCpuSecond(), r.updatesPerWallSecond(),
            r.flopsPerUpdate() / 1e6, r.gflops(), 100 * r.gflops() / peak, 100 * r.gflops() / nominal, r.bytesPerUpdate()));
      }
    }
    out.append("\n");
    int[] critic = {obs + act, hidden, hidden, 1}, actor = {obs, hidden, hidden, act};
    out.append(line("| network | batch | work | " + String.join(" | ", backends.stream().map(b -> b + " (µs, CPU)").toList()) + " |"));
    out.append(line("|---|---:|---|" + "---:|".repeat(backends.size())));
    out.append(row(c, "critic " + dims(critic), critic, batch, true));
    out.append(row(c, "critic " + dims(critic), critic, batch, false));
    out.append(row(c, "actor " + dims(actor), actor, 1, false));
    return out.toString();
  }

  private static String line(String s) {
    return s + "\n";
  }

  private static String row(Config c, String name, int[] sizes, int b, boolean train) {
    StringBuilder sb = new StringBuilder(String.format("| %s | %d | %s |", name, b, train ? "forward + backward + Adam" : "forward"));
    for (Mlp.Backend be : c.backends()) sb.append(String.format(" %.1f |", UpdateBench.micros(be, sizes, b, train, Math.min(1, c.seconds() / 2))));
    return sb.append('\n').toString();
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

package dev.rlcompress.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy per inference. Measured from the Linux powercap RAPL package counters when the machine exposes
 * them (summed over packages, so it includes whatever else ran meanwhile); otherwise estimated as the
 * inference thread's CPU time × a per-core power figure, and then always labelled an estimate.
 *
 * <p>The default per-core figure, 4.4 W, is a server CPU's rated power shared over its cores: AMD's
 * EPYC 7763 is specified at 280 W TDP for 64 cores (4.375 W per core). It is a coarse figure; what the
 * study compares is each variant's energy relative to its baseline, where the figure cancels out.
 */
public final class Energy {
  private Energy() {}

  public static final double DEFAULT_WATTS_PER_CORE = 4.4;
  static final Path POWERCAP = Path.of("/sys/class/powercap");

  /** How an energy figure was obtained; every table and plot shows it. */
  public enum Method {
    RAPL("measured (RAPL package counters)"),
    ESTIMATE("estimate (CPU time × per-core power)");

    public final String label;

    Method(String label) {
      this.label = label;
    }

    public static Method of(String name) {
      return name.equals("RAPL") ? RAPL : ESTIMATE;
    }
  }

  /** The package-level RAPL energy counters (energy_uj files), empty when there are none or they are unreadable. */
  public static List<Path> raplCounters() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(POWERCAP)) return out;
    try (var s = Files.list(POWERCAP)) {
      // Top-level zones only ("intel-rapl:0", not the sub-zones "intel-rapl:0:0", which they contain).
      s.filter(p -> p.getFileName().toString().matches("[a-z-]+rapl:\\d+"))
          .map(p -> p.resolve("energy_uj"))
          .filter(Files::isReadable)
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  /** Current counter values in µJ, or null when a counter cannot be read. */
  public static long[] readRapl(List<Path> counters) {
    long[] v = new long[counters.size()];
    try {
      for (int i = 0; i < v.length; i++) v[i] = Long.parseLong(Files.readString(counters.get(i)).strip());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return v;
  }

  /** Joules between two readings, correcting a counter that wrapped around its range. */
  public static double raplJoules(List<Path> counters, long[] before, long[] after) {
    double uj = 0;
    for (int i = 0; i < before.length; i++) {
      long d = after[i] - before[i];
      if (d < 0) d += maxRange(counters.get(i));
      uj += d;
    }
    return uj / 1e6;
  }

  private static long maxRange(Path counter) {
    try {
      return Long.parseLong(Files.readString(counter.resolveSibling("max_energy_range_uj")).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** The CPU-time estimate in joules. */
  public static double estimateJoules(long cpuNanos, double wattsPerCore) {
    return cpuNanos / 1e9 * wattsPerCore;
  }
}

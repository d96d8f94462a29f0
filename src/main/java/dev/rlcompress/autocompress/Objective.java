package dev.rlcompress.autocompress;

import dev.rlcompress.util.UserError;

/**
 * What the search minimizes, each measured on the candidate itself: bytes of its ONNX file, batch-1
 * latency by the interleaved protocol on its engine, or energy per inference.
 *
 * <p>Energy: this machine exposes no RAPL counters, so energy is estimated as the batch-1 CPU time of
 * the one inference thread × {@link #WATTS_PER_CORE}, as the study package estimates it. With one
 * thread CPU time is wall time, so the energy ranking equals the latency ranking; the figure is there
 * to be compared with studies that report joules.
 */
public enum Objective {
  LATENCY("latency b1 (µs)"),
  SIZE("size (bytes)"),
  ENERGY("energy b1 (µJ, estimate)");

  /**
   * Per-core power of a server CPU: AMD's EPYC 7763 is rated 280 W TDP over 64 cores (4.375 W), the
   * figure the study package uses.
   */
  public static final double WATTS_PER_CORE = 4.4;

  /** Axis and column label, with unit. */
  public final String label;

  Objective(String label) {
    this.label = label;
  }

  public static Objective parse(String s) {
    return switch (s) {
      case "latency" -> LATENCY;
      case "size" -> SIZE;
      case "energy" -> ENERGY;
      default -> throw new UserError("unknown objective '" + s + "'; known: latency, size, energy");
    };
  }

  public String cli() {
    return name().toLowerCase();
  }

  /** The objective's value for a measured candidate (lower is better). */
  double of(long sizeBytes, double latencyUsB1) {
    return switch (this) {
      case SIZE -> sizeBytes;
      case LATENCY -> latencyUsB1;
      case ENERGY -> latencyUsB1 * WATTS_PER_CORE; // µs × W = µJ
    };
  }
}

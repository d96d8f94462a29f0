package dev.rlcompress.cli;

import dev.rlcompress.train.Progress;
import java.io.PrintStream;

/**
 * A one-line progress bar on stderr with rate, recent return and ETA. On a terminal it redraws in
 * place; otherwise (logs, CI) it prints a line every 5%.
 */
final class ProgressBar implements Progress {
  private final String label;
  /** What is counted: "steps" (training: rate and recent return shown) or e.g. "cells" (elapsed shown). */
  private final String unit;
  private final PrintStream out = System.err;
  private final boolean tty = System.console() != null;
  private final long startNanos = System.nanoTime();
  /** The count at the first update: a resumed run's rate counts this session's steps only. */
  private long firstStep = -1;
  private long lastDraw;
  private int lastPercentLine = -1;

  ProgressBar(String label) {
    this(label, "steps");
  }

  ProgressBar(String label, String unit) {
    this.label = label;
    this.unit = unit;
  }

  @Override
  public void update(long step, long total, double recentReturn, String note) {
    long now = System.nanoTime();
    if (firstStep < 0) firstStep = step;
    boolean done = step >= total;
    double frac = total == 0 ? 1 : Math.min(1.0, (double) step / total);
    int percent = (int) (frac * 100);
    if (tty) {
      if (!done && now - lastDraw < 200_000_000L) return;
    } else if (!done && percent / 5 == lastPercentLine) {
      return;
    }
    lastDraw = now;
    lastPercentLine = percent / 5;
    double secs = (now - startNanos) / 1e9;
    double rate = (step - firstStep) / Math.max(secs, 1e-9);
    long eta = rate > 0 ? (long) ((total - step) / rate) : 0;
    int width = 30, filled = (int) (frac * width);
    String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
    String line = unit.equals("steps")
        ? String.format("%s [%s] %3d%% %,d/%,d steps  %,.0f steps/s  return %s  %s  ETA %s",
            label, bar, percent, step, total, rate,
            Double.isNaN(recentReturn) ? "-" : String.format("%.1f", recentReturn),
            note == null ? "" : note, duration(eta))
        : String.format("%s [%s] %3d%% %,d/%,d %s  elapsed %s  ETA %s  %s", label, bar, percent, step, total, unit,
            duration((long) secs), step == 0 ? "-" : duration(eta), note == null ? "" : note);
    if (tty) out.print("\r" + line + "\033[K" + (done ? "\n" : ""));
    else out.println(line);
    out.flush();
  }

  static String duration(long s) {
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}

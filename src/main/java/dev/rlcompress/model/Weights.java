package dev.rlcompress.model;

/** Checks on raw weight arrays shared by the model, importer and compression passes. */
public final class Weights {
  private Weights() {}

  /** Whether every value is a finite number. */
  public static boolean finite(float[] a) {
    for (float v : a) if (!Float.isFinite(v)) return false;
    return true;
  }
}

package dev.rlcompress.util;

/**
 * Row gathers from flat row-major float arrays: the one way minibatches are cut from stored
 * transitions (the replay buffer, and the update benchmark that times the same path).
 */
public final class Rows {
  private Rows() {}

  /** Rows {@code rows[i]} of {@code source} (rows of {@code width} floats) as rows {@code i} of {@code into}. */
  public static void gather(float[] source, int width, int[] rows, float[] into) {
    for (int i = 0; i < rows.length; i++) System.arraycopy(source, rows[i] * width, into, i * width, width);
  }

  /** Rows {@code rows[i]} of {@code source} in a new array. */
  public static float[] gather(float[] source, int width, int[] rows) {
    float[] into = new float[rows.length * width];
    gather(source, width, rows, into);
    return into;
  }
}

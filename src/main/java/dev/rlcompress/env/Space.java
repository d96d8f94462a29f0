package dev.rlcompress.env;

/**
 * An observation or action space, as in Gymnasium. Sealed so that every consumer (trainers, the
 * exporter's shape checks, the evaluator) handles exactly the two kinds the toolkit supports.
 */
public sealed interface Space permits Space.Box, Space.Discrete {

  /** Number of scalars a policy consumes or produces for this space (flattened size of a Box, 1 for Discrete). */
  int flatSize();

  /** A bounded (possibly unbounded: ±infinity) box of floats with a fixed shape. */
  record Box(int[] shape, float[] low, float[] high) implements Space {
    public Box {
      shape = shape.clone();
      low = low.clone();
      high = high.clone();
      int n = 1;
      for (int d : shape) {
        if (d <= 0) throw new IllegalArgumentException("Box dimension must be positive");
        n *= d;
      }
      if (low.length != n || high.length != n)
        throw new IllegalArgumentException("Box bounds must have " + n + " elements");
    }

    /** A one-dimensional box. */
    public static Box of(float[] low, float[] high) {
      return new Box(new int[] {low.length}, low, high);
    }

    /** A one-dimensional box with the same bound for each of {@code n} elements. */
    public static Box uniform(int n, float low, float high) {
      float[] lo = new float[n];
      float[] hi = new float[n];
      java.util.Arrays.fill(lo, low);
      java.util.Arrays.fill(hi, high);
      return of(lo, hi);
    }

    @Override
    public int flatSize() {
      return low.length;
    }

    /** Clips {@code x} element-wise into the box (used for continuous actions, as Gymnasium's envs do). */
    public float[] clip(float[] x) {
      float[] out = new float[x.length];
      for (int i = 0; i < x.length; i++) out[i] = Math.max(low[i], Math.min(high[i], x[i]));
      return out;
    }

    @Override
    public String toString() {
      return "Box" + java.util.Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box b
          && java.util.Arrays.equals(shape, b.shape)
          && java.util.Arrays.equals(low, b.low)
          && java.util.Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(shape) * 31 + java.util.Arrays.hashCode(low);
    }
  }

  /** Actions {@code 0 .. n-1}. */
  record Discrete(int n) implements Space {
    public Discrete {
      if (n <= 0) throw new IllegalArgumentException("Discrete space needs n > 0");
    }

    @Override
    public int flatSize() {
      return 1;
    }

    @Override
    public String toString() {
      return "Discrete(" + n + ")";
    }
  }
}

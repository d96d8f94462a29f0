package dev.rlcompress.env.random;

/**
 * NumPy's {@code np.random.Generator} on {@link Pcg64}: the draws Gymnasium's environments make, each
 * computed as NumPy computes it, so that {@code Generator.seeded(s)} reproduces Gymnasium's
 * {@code env.np_random} after {@code reset(seed=s)} value for value. Array forms draw element by
 * element in order, as NumPy fills an array. Not thread-safe (one per environment).
 */
public final class Generator {
  private final Pcg64 bits;

  public Generator(Pcg64 bits) {
    this.bits = bits;
  }

  /**
   * Gymnasium's {@code seeding.np_random(seed)}:
   * {@code Generator(PCG64(SeedSequence(seed)))}.
   */
  public static Generator seeded(long seed) {
    return new Generator(new Pcg64(new SeedSequence(seed)));
  }

  /** {@code random()}: a double in [0, 1) with 53 random bits. */
  public double random() {
    return bits.nextDouble();
  }

  /** {@code uniform(low, high)}: {@code low + (high - low) * random()}, as NumPy computes it. */
  public double uniform(double low, double high) {
    double range = high - low;
    if (!Double.isFinite(range)) throw new IllegalArgumentException("uniform range is not finite: [" + low + ", " + high + ")");
    return low + range * bits.nextDouble();
  }

  /** {@code uniform(low, high, size=n)}. */
  public double[] uniform(double low, double high, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = uniform(low, high);
    return out;
  }

  /** {@code uniform(low_array, high_array)}: element i in [low[i], high[i]). */
  public double[] uniform(double[] low, double[] high) {
    if (low.length != high.length)
      throw new IllegalArgumentException("uniform bounds differ in length: " + low.length + " vs " + high.length);
    double[] out = new double[low.length];
    for (int i = 0; i < out.length; i++) out[i] = uniform(low[i], high[i]);
    return out;
  }

  /**
   * {@code standard_normal()}: NumPy's 256-level ziggurat for doubles. One 64-bit draw gives the
   * layer (8 bits), the sign (1 bit) and a 52-bit magnitude; most draws are accepted inside the layer's
   * rectangle, the rest go to the wedge test or, in the base layer, to the tail beyond r sampled by
   * Marsaglia's exponential method.
   */
  public double standardNormal() {
    while (true) {
      long r = bits.nextLong();
      int idx = (int) (r & 0xff);
      r >>>= 8;
      boolean negative = (r & 1) != 0;
      long rabs = (r >>> 1) & 0x000fffffffffffffL;
      double x = rabs * ZigguratTables.WI[idx];
      if (negative) x = -x;
      if (rabs < ZigguratTables.KI[idx]) return x;
      if (idx == 0) {
        while (true) {
          // 1 - U instead of U keeps log away from 0 (NumPy uses log1p(-U)).
          double xx = -ZigguratTables.INV_R * Math.log1p(-bits.nextDouble());
          double yy = -Math.log1p(-bits.nextDouble());
          if (yy + yy > xx * xx)
            return ((rabs >>> 8) & 1) != 0 ? -(ZigguratTables.R + xx) : ZigguratTables.R + xx;
        }
      }
      double f0 = ZigguratTables.FI[idx - 1], f1 = ZigguratTables.FI[idx];
      if ((f0 - f1) * bits.nextDouble() + f1 < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** {@code standard_normal(size=n)}. */
  public double[] standardNormal(int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = standardNormal();
    return out;
  }

  /**
   * {@code integers(low, high)} for int64 (high exclusive): NumPy's default bounded algorithm, Lemire's
   * multiply-and-reject; on ranges that fit 32 bits it runs on (buffered) 32-bit draws, as NumPy does.
   */
  public long integers(long low, long high) {
    if (low >= high) throw new IllegalArgumentException("integers: low >= high (" + low + ", " + high + ")");
    long rng = high - 1 - low; // unsigned span, inclusive
    if (rng == 0) return low; // one value: NumPy draws nothing
    if (Long.compareUnsigned(rng, 0xffffffffL) <= 0) {
      if (rng == 0xffffffffL) return low + Integer.toUnsignedLong(bits.nextInt());
      return low + lemire32((int) rng);
    }
    if (rng == -1L) return low + bits.nextLong();
    return low + lemire64(rng);
  }

  private long lemire32(int rng) {
    long excl = Integer.toUnsignedLong(rng) + 1;
    long m = Integer.toUnsignedLong(bits.nextInt()) * excl;
    long leftover = m & 0xffffffffL;
    if (leftover < excl) {
      long threshold = (0xffffffffL - Integer.toUnsignedLong(rng)) % excl;
      while (leftover < threshold) {
        m = Integer.toUnsignedLong(bits.nextInt()) * excl;
        leftover = m & 0xffffffffL;
      }
    }
    return m >>> 32;
  }

  private long lemire64(long rng) {
    long excl = rng + 1;
    long x = bits.nextLong();
    long leftover = x * excl;
    if (Long.compareUnsigned(leftover, excl) < 0) {
      long threshold = Long.remainderUnsigned(-1L - rng, excl);
      while (Long.compareUnsigned(leftover, threshold) < 0) {
        x = bits.nextLong();
        leftover = x * excl;
      }
    }
    return Math.unsignedMultiplyHigh(x, excl);
  }
}

package dev.rlcompress.env.random;

/**
 * NumPy's default bit generator {@code PCG64}: a 128-bit linear congruential generator whose output
 * is the XSL-RR permutation (xor of the two halves, rotated right by the top six bits), advanced
 * before each output. Seeded from a {@link SeedSequence} as NumPy does: four 64-bit state words,
 * the first two the initial state (high, low), the last two the stream (increment = stream * 2 + 1).
 * Keeps NumPy's one-word buffer for 32-bit draws, which {@code integers} uses on small ranges.
 */
public final class Pcg64 {
  // PCG's default 128-bit multiplier (PCG_DEFAULT_MULTIPLIER_128 in NumPy's pcg64.h), high and low halves.
  private static final long MULT_HI = 2549297995355413924L, MULT_LO = 4865540595714422341L;

  private long stateHi, stateLo;
  private final long incHi, incLo;
  private boolean hasUint32;
  private int uinteger;

  public Pcg64(SeedSequence seed) {
    long[] v = seed.generateState64(4);
    // pcg_setseq_128_srandom_r: inc = (initseq << 1) | 1; state = 0; step; state += initstate; step.
    incHi = (v[2] << 1) | (v[3] >>> 63);
    incLo = (v[3] << 1) | 1L;
    stateHi = 0;
    stateLo = 0;
    step();
    long lo = stateLo + v[1];
    stateHi = stateHi + v[0] + (Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0);
    stateLo = lo;
    step();
  }

  /** state = state * MULT + inc, modulo 2^128. */
  private void step() {
    long lo = stateLo * MULT_LO;
    long hi = Math.unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
    long sumLo = lo + incLo;
    stateHi = hi + incHi + (Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0);
    stateLo = sumLo;
  }

  /** The 128-bit state and increment as (high, low) words, for comparison with NumPy's {@code state}. */
  long[] stateWords() {
    return new long[] {stateHi, stateLo, incHi, incLo};
  }

  /** NumPy's {@code next_uint64}. */
  public long nextLong() {
    step();
    return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
  }

  /** NumPy's {@code next_uint32}: the low half of a 64-bit draw, then its high half from the buffer. */
  public int nextInt() {
    if (hasUint32) {
      hasUint32 = false;
      return uinteger;
    }
    long next = nextLong();
    hasUint32 = true;
    uinteger = (int) (next >>> 32);
    return (int) next;
  }

  /** NumPy's {@code next_double}: the top 53 bits of a 64-bit draw, scaled to [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }
}

package dev.rlcompress.env.random;

import java.util.Arrays;

/**
 * NumPy's {@code SeedSequence}: turns a seed (any non-negative integer) into well-mixed state words for
 * a bit generator. Gymnasium seeds every environment's generator through it, so matching Gymnasium's
 * {@code reset(seed=s)} starts here. Facts from NumPy's published algorithm
 * ({@code numpy/random/bit_generator.pyx}): a pool of four 32-bit words filled by a multiply-xorshift
 * hash of the entropy words, cross-mixed, and expanded by a second hash when state is drawn. All
 * arithmetic is modulo 2^32. Spawn keys are not supported (Gymnasium does not use them).
 */
public final class SeedSequence {
  // Hash constants of NumPy's SeedSequence (bit_generator.pyx).
  private static final int POOL_SIZE = 4;
  private static final int INIT_A = 0x43b0d7e5, MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd, MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd, MIX_MULT_R = 0x4973f715;
  private static final int XSHIFT = 16;

  private final int[] pool = new int[POOL_SIZE];

  /**
   * The sequence for a seed. The long is read as an unsigned 64-bit integer, so every non-negative
   * seed means what it means to NumPy (Gymnasium refuses negative seeds; here they stand for
   * {@code seed + 2^64}).
   */
  public SeedSequence(long seed) {
    this(words(seed));
  }

  /** The sequence for entropy given as little-endian 32-bit words (NumPy's uint32 array form). */
  public SeedSequence(int[] entropy) {
    mixEntropy(entropy.length == 0 ? new int[] {0} : entropy);
  }

  /** NumPy splits an integer into 32-bit words, least significant first; zero is one word. */
  private static int[] words(long seed) {
    int hi = (int) (seed >>> 32);
    return hi == 0 ? new int[] {(int) seed} : new int[] {(int) seed, hi};
  }

  private void mixEntropy(int[] entropy) {
    int[] hashConst = {INIT_A};
    for (int i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
    for (int src = 0; src < POOL_SIZE; src++)
      for (int dst = 0; dst < POOL_SIZE; dst++)
        if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
    for (int src = POOL_SIZE; src < entropy.length; src++)
      for (int dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
  }

  private static int hashmix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    return value ^ (value >>> XSHIFT);
  }

  private static int mix(int x, int y) {
    int r = MIX_MULT_L * x - MIX_MULT_R * y;
    return r ^ (r >>> XSHIFT);
  }

  /** {@code generate_state(n, uint32)}. */
  public int[] generateState32(int n) {
    int[] out = new int[n];
    int hashConst = INIT_B;
    for (int i = 0; i < n; i++) {
      int v = pool[i % POOL_SIZE] ^ hashConst;
      hashConst *= MULT_B;
      v *= hashConst;
      out[i] = v ^ (v >>> XSHIFT);
    }
    return out;
  }

  /** {@code generate_state(n, uint64)}: pairs of 32-bit words, the first one the low half. */
  public long[] generateState64(int n) {
    int[] w = generateState32(2 * n);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) out[i] = (w[2 * i] & 0xffffffffL) | ((long) w[2 * i + 1] << 32);
    return out;
  }

  @Override
  public String toString() {
    return "SeedSequence(pool=" + Arrays.toString(pool) + ")";
  }
}

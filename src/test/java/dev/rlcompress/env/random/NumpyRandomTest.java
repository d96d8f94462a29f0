package dev.rlcompress.env.random;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import dev.rlcompress.env.GymOracle;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java generator against the installed NumPy, value for value: SeedSequence + PCG64 state,
 * random, uniform (scalar, sized, array bounds), integers (32-bit buffered and 64-bit Lemire paths,
 * interleaved with 64-bit draws), standard_normal including 10^6 draws that reach the ziggurat's
 * wedge and tail branches, and the ziggurat tables themselves against the ones compiled into NumPy.
 */
class NumpyRandomTest {
  private static GymOracle oracle;

  @BeforeAll
  static void runNumpy() {
    oracle = GymOracle.run("numpy");
  }

  @AfterAll
  static void cleanUp() {
    if (oracle != null) oracle.delete();
  }

  @Test
  void zigguratTablesEqualNumpysCompiledTablesBitForBit() {
    long[] ki = GymOracle.longs(oracle.values().get("ki"));
    double[] wi = GymOracle.doubles(oracle.values().get("wi"));
    double[] fi = GymOracle.doubles(oracle.values().get("fi"));
    assertEquals(256, ki.length);
    for (int i = 0; i < 256; i++) {
      assertEquals(ki[i], ZigguratTables.KI[i], "ki[" + i + "]");
      assertEquals(Double.doubleToRawLongBits(wi[i]), Double.doubleToRawLongBits(ZigguratTables.WI[i]), "wi[" + i + "]");
      assertEquals(Double.doubleToRawLongBits(fi[i]), Double.doubleToRawLongBits(ZigguratTables.FI[i]), "fi[" + i + "]");
    }
    assertEquals(ZigguratTables.R, wi[255] * 0x1.0p52, "the tail starts where the last layer ends");
  }

  @Test
  void seedSequenceGivesPcg64TheStateNumpyGivesIt() {
    for (var e : oracle.values().getAsJsonObject("seeds").entrySet()) {
      long seed = new BigInteger(e.getKey()).longValue(); // seeds up to 2^64-1, as unsigned
      long[] w = new Pcg64(new SeedSequence(seed)).stateWords();
      JsonObject v = e.getValue().getAsJsonObject();
      assertEquals(new BigInteger(v.get("state").getAsString()), u128(w[0], w[1]), "state, seed " + e.getKey());
      assertEquals(new BigInteger(v.get("inc").getAsString()), u128(w[2], w[3]), "inc, seed " + e.getKey());
    }
  }

  @Test
  void drawsEqualNumpysForEverySeed() {
    for (var e : oracle.values().getAsJsonObject("seeds").entrySet()) {
      String seed = e.getKey();
      JsonObject v = e.getValue().getAsJsonObject();
      Generator g = Generator.seeded(new BigInteger(seed).longValue());
      assertExact(GymOracle.doubles(v.get("random")), new double[] {g.random(), g.random(), g.random(), g.random(), g.random()}, "random " + seed);
      assertExact(GymOracle.doubles(v.get("uniform")), g.uniform(-0.05, 0.05, 7), "uniform " + seed);
      assertExact(GymOracle.doubles(v.get("uniform_arrays")),
          g.uniform(new double[] {-Math.PI, -1}, new double[] {Math.PI, 1}), "uniform arrays " + seed);
      long[] ints = {g.integers(-9999, 9999), g.integers(-9999, 9999), g.integers(-9999, 9999)};
      assertArrayEquals(GymOracle.longs(v.get("ints")), ints, "integers(-9999, 9999) " + seed);
      assertExact(new double[] {v.get("after_ints").getAsDouble()}, new double[] {g.random()}, "random after a buffered half-word " + seed);
      long[] ints2 = {
        g.integers(-9999, 9999), g.integers(0, 1L << 40), g.integers(Long.MIN_VALUE, Long.MAX_VALUE),
        g.integers(7, 8), g.integers(0, 1L << 32), g.integers(-3, 1L << 31)
      };
      assertArrayEquals(GymOracle.longs(v.get("ints2")), ints2, "integers, 32- and 64-bit paths " + seed);
      assertExact(GymOracle.doubles(v.get("normals")), g.standardNormal(5), "standard_normal " + seed);
      assertExact(new double[] {v.get("last").getAsDouble()}, new double[] {g.random()}, "stream position " + seed);
    }
  }

  @Test
  void aMillionStandardNormalsEqualNumpysIncludingTheTail() {
    double[] expected = oracle.doubles("normals");
    assertEquals(1_000_000, expected.length);
    Generator g = Generator.seeded(2024);
    int tail = 0;
    for (int i = 0; i < expected.length; i++) {
      double x = g.standardNormal();
      if (Double.doubleToRawLongBits(x) != Double.doubleToRawLongBits(expected[i]))
        fail("normal #" + i + ": NumPy " + expected[i] + ", Java " + x);
      if (Math.abs(x) > ZigguratTables.R) tail++;
    }
    // P(|x| > r) = 2.6e-4: about 260 of them come from the tail sampler, the rarest branch.
    assertTrue(tail > 150, "only " + tail + " draws beyond r: the tail branch was hardly exercised");
    assertEquals(oracle.values().get("normals_after").getAsDouble(), g.random(), 0.0,
        "the same number of 64-bit draws was consumed");
  }

  private static BigInteger u128(long hi, long lo) {
    return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
  }

  private static void assertExact(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++)
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
          what + " [" + i + "]: NumPy " + expected[i] + ", Java " + actual[i]);
  }
}

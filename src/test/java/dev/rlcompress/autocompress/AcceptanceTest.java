package dev.rlcompress.autocompress;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The acceptance rule on returns shaped like LunarLander's (landings around 280, a few crashes at −100):
 * it must reject a variant that loses 20% and stop early doing so, accept one that loses 1%, and place
 * the bar below the baseline for either sign.
 */
class AcceptanceTest {
  /** {@code n} returns: a crash (−100) with probability {@code crash}, else a landing around {@code mean}. */
  static double[] returns(int n, double mean, double crash, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = r.nextDouble() < crash ? -100 : mean + 20 * r.nextGaussian();
    return x;
  }

  @Test
  void rejectsAVariantThatLosesTwentyPercentAndStopsEarly() {
    Acceptance rule = Acceptance.of(0.05);
    int early = 0;
    for (long seed = 0; seed < 20; seed++) {
      double[] base = returns(200, 285, 0.05, seed);
      double[] worse = returns(200, 285, 0.05, 1000 + seed); // independent episodes: no help from pairing
      for (int i = 0; i < worse.length; i++) worse[i] *= 0.8;
      Acceptance.Outcome o = rule.sequential(base, k -> worse[k], new double[0], 1000, false);
      assertNotEquals(Acceptance.Verdict.ACCEPTED, o.decision().verdict(), "seed " + seed);
      assertEquals(Acceptance.Verdict.CLEARLY_OUT, o.decision().verdict(), "seed " + seed);
      if (o.returns().length < 200) early++;
    }
    assertTrue(early >= 10, "a 20% loss is mostly clearly out before the last look: " + early + " of 20");
  }

  @Test
  void acceptsAVariantThatLosesOnePercentOnTheSameSeeds() {
    Acceptance rule = Acceptance.of(0.05);
    double[] base = returns(200, 285, 0.05, 7);
    double[] close = base.clone();
    for (int i = 0; i < close.length; i++) close[i] -= 0.01 * Math.abs(close[i]);
    Acceptance.Outcome o = rule.sequential(base, k -> close[k], new double[0], 1000, false);
    assertEquals(Acceptance.Verdict.ACCEPTED, o.decision().verdict());
    assertEquals(200, o.returns().length, "acceptance needs every look");
  }

  @Test
  void aProbeNeverAcceptsAndStopsUndecidedAtItsCap() {
    Acceptance rule = Acceptance.of(0.05);
    double[] base = returns(200, 285, 0.05, 3);
    Acceptance.Outcome o = rule.sequential(base, k -> base[k], new double[0], 50, true);
    assertEquals(Acceptance.Verdict.UNDECIDED, o.decision().verdict());
    assertEquals(50, o.returns().length);
    Acceptance.Outcome rest = rule.sequential(base, k -> base[k], o.returns(), 1000, false);
    assertEquals(Acceptance.Verdict.ACCEPTED, rest.decision().verdict());
    assertEquals(200, rest.returns().length, "continues from the probe's episodes");
  }

  @Test
  void barIsBelowTheBaselineForEitherSign() {
    Acceptance rule = new Acceptance(0.1, List.of(10), 10, 0.05);
    assertEquals(90, rule.bar(100), 1e-9);
    assertTrue(rule.bar(-100) < -100);
  }

  @Test
  void badMaxDropIsAUserError() {
    assertThrows(dev.rlcompress.util.UserError.class, () -> Acceptance.of(1.5));
    assertThrows(dev.rlcompress.util.UserError.class, () -> Acceptance.of(0));
  }
}

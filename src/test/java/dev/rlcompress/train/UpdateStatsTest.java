package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The PPO update diagnostics' definitions, on values worked out by hand. */
class UpdateStatsTest {
  @Test
  void approximateKlIsTheMeanOfExpm1MinusTheLogRatio() {
    assertEquals(0.0, UpdateStats.approxKl(new float[] {0f, 0f, 0f}));
    // r = ln 2: (2 − 1) − ln 2 = 0.30685; r = −ln 2: (0.5 − 1) + ln 2 = 0.19315; mean 0.25
    float ln2 = (float) Math.log(2);
    assertEquals(0.25, UpdateStats.approxKl(new float[] {ln2, -ln2}), 1e-6);
    assertTrue(UpdateStats.approxKl(new float[] {0.3f, -0.1f, 2f}) > 0, "never negative");
  }

  @Test
  void clipFractionCountsRatiosOutsideTheRange() {
    float[] r = {(float) Math.log(1.05), (float) Math.log(1.25), (float) Math.log(0.85), (float) Math.log(0.75)};
    assertEquals(0.5, UpdateStats.clipFraction(r, 0.2));
    assertEquals(0.0, UpdateStats.clipFraction(r, 0.3));
  }

  @Test
  void explainedVarianceIsOneForAPerfectCriticAndZeroForTheMean() {
    float[] returns = {1, 2, 3, 4};
    assertEquals(1.0, UpdateStats.explainedVariance(returns.clone(), returns), 1e-12);
    assertEquals(0.0, UpdateStats.explainedVariance(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, returns), 1e-12);
    // a constant offset is variance-free: still 1
    assertEquals(1.0, UpdateStats.explainedVariance(new float[] {0, 1, 2, 3}, returns), 1e-12);
    assertTrue(Double.isNaN(UpdateStats.explainedVariance(new float[] {1, 2}, new float[] {3, 3})));
  }
}

package dev.rlcompress.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's recommendation: the smallest variant keeping 90% of the original's mean return. */
class ShowcaseTest {
  static EvalReport row(String name, double mean, long size, double b1) {
    return new EvalReport(name, "LunarLander-v3", new EvalReport.Returns(100, mean, 10, mean - 5, mean + 5, 0.9, 300),
        new EvalReport.Fidelity(0.9, 0.9, Double.NaN, Double.NaN), new EvalReport.Timing(b1, 0.1), new EvalReport.Footprint(size, 1000, 0));
  }

  @Test
  void smallestVariantKeepingNinetyPercentIsRecommended() {
    List<EvalReport> rs = List.of(row("fp32", 200, 1000, 10), row("tiny-but-bad", 170, 100, 5),
        row("small", 185, 300, 9), row("smaller", 181, 250, 12), row("big", 199, 900, 10));
    assertEquals(3, Showcase.recommend(rs), "181 ≥ 0.9 × 200 and the smallest of those");
    assertTrue(Showcase.conclusion(rs, 3).startsWith("deploy \"smaller\""), Showcase.conclusion(rs, 3));
  }

  @Test
  void negativeReturnsUseTheSameRule() {
    List<EvalReport> rs = List.of(row("fp32", -100, 1000, 10), row("a", -105, 500, 10), row("b", -120, 100, 10));
    assertEquals(1, Showcase.recommend(rs), "-105 keeps 90% of -100 (bar -111), -120 does not");
  }

  @Test
  void noneQualifies() {
    List<EvalReport> rs = List.of(row("fp32", 200, 1000, 10), row("bad", 100, 100, 5));
    assertEquals(-1, Showcase.recommend(rs));
    assertTrue(Showcase.conclusion(rs, -1).contains("keep the fp32 policy"));
  }
}

package dev.rlcompress.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The goal verdicts' statistics. */
class RuntimeBenchReportTest {
  /** The one-sided sign test's tail: 12 of 15 rounds slower is significant at 5%, 11 is not. */
  @Test
  void signTestIsTheBinomialTail() {
    assertEquals(576 / 32768.0, RuntimeBenchReport.signTestP(12, 15), 1e-12);
    assertEquals(1941 / 32768.0, RuntimeBenchReport.signTestP(11, 15), 1e-12);
    assertEquals(1.0, RuntimeBenchReport.signTestP(0, 9), 1e-12);
    assertEquals(1 / 512.0, RuntimeBenchReport.signTestP(9, 9), 1e-12);
  }

  /** Rounds are paired by index: a variant slower in every round is slower in all of them. */
  @Test
  void slowerRoundsArePairedByRound() {
    RuntimeBench.Row fp32 = new RuntimeBench.Row("fp32", 9, 2, 0.1, 0.1, 1, List.of(), new double[] {2, 3, 1, 2});
    RuntimeBench.Row v = new RuntimeBench.Row("ptsq", 9, 2, 0.1, 0.1, 1, List.of(), new double[] {2.1, 2.9, 1.5, 2});
    assertEquals(2, v.slowerRoundsThan(fp32));
  }
}

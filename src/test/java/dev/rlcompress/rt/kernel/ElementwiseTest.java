package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The runtime's vector tanh against Math.tanh. */
class ElementwiseTest {
  /**
   * Over a sweep of [−12, 12] (every float in [−1e-3, 1e-3] at steps of 1e-7 near zero, 1e-5 beyond), the
   * rational approximation stays within 3.5e-7 of Math.tanh and within 8 float ulps of it, is odd, and
   * saturates to ±1 within one float ulp — the bounds the Javadoc states and the runtime's exactness tests rely on.
   */
  @Test
  void tanhIsWithinAFewUlpsOfMathTanh() {
    float[] buf = new float[L];
    double worstAbs = 0, worstUlp = 0;
    for (float x = -12f; x < 12f; x += Math.abs(x) < 1e-3f ? 1e-7f : 1e-5f) {
      for (int i = 0; i < L; i++) buf[i] = x;
      float got = Elementwise.tanh(FloatVector.fromArray(S, buf, 0)).lane(L - 1);
      double want = Math.tanh(x), err = Math.abs(got - want);
      worstAbs = Math.max(worstAbs, err);
      worstUlp = Math.max(worstUlp, err / Math.ulp((float) want == 0f ? Float.MIN_NORMAL : (float) want));
      for (int i = 0; i < L; i++) buf[i] = -x;
      assertEquals(-got, Elementwise.tanh(FloatVector.fromArray(S, buf, 0)).lane(0), "odd at " + x);
    }
    assertTrue(worstAbs <= 3.5e-7, "worst absolute error " + worstAbs);
    assertTrue(worstUlp <= 8, "worst error " + worstUlp + " ulps");
    for (int i = 0; i < L; i++) buf[i] = i % 2 == 0 ? 40f : -1e30f;
    FloatVector sat = Elementwise.tanh(FloatVector.fromArray(S, buf, 0));
    for (int i = 0; i < L; i++) assertEquals(i % 2 == 0 ? 1f : -1f, sat.lane(i), 6e-8f, "saturated lane " + i);
  }
}

package dev.rlcompress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.env.Agent;
import dev.rlcompress.env.Space;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Actions drawn from a policy head's distribution. */
class SampledActionsTest {
  /** A categorical head's draws follow the softmax of its logits. */
  @Test
  void categoricalDrawsFollowTheSoftmax() {
    Agent a = Actions.sampled(new HeadKind.Categorical(), new Space.Discrete(3), o -> new float[] {0f, (float) Math.log(3), -50f},
        new SplittableRandom(1));
    int[] n = new int[3];
    for (int i = 0; i < 40_000; i++) n[a.discreteAction(new float[1])]++;
    assertEquals(0.25, n[0] / 40_000.0, 0.01);
    assertEquals(0.75, n[1] / 40_000.0, 0.01);
    assertEquals(0, n[2]);
  }

  /** A Gaussian head's draws have its mean and standard deviation, clipped to the box. */
  @Test
  void gaussianDrawsHaveTheHeadsSpreadAndStayInTheBox() {
    HeadKind.Gaussian g = new HeadKind.Gaussian(new float[] {(float) Math.log(0.2), 0f}, new float[] {-1, -1}, new float[] {1, 1});
    Space.Box box = new Space.Box(new int[] {2}, new float[] {-1, -1}, new float[] {1, 1});
    Agent a = Actions.sampled(g, box, o -> new float[] {0.3f, 0.9f}, new SplittableRandom(2));
    double sum = 0, sq = 0;
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      float[] x = a.continuousAction(new float[1]);
      sum += x[0];
      sq += x[0] * x[0];
      assertTrue(x[1] >= -1 && x[1] <= 1, "clipped: " + x[1]);
    }
    double mean = sum / n;
    assertEquals(0.3, mean, 0.01);
    assertEquals(0.2, Math.sqrt(sq / n - mean * mean), 0.01);
  }

  /** Q-values and deterministic actors have no distribution to draw from. */
  @Test
  void headsWithoutADistributionAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Actions.sampled(new HeadKind.QValues(), new Space.Discrete(2), o -> o, new SplittableRandom(3)));
  }
}

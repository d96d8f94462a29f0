package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random Network Distillation does what it is for: its intrinsic reward falls on states the predictor
 * has been trained on and stays high on states unlike them; and its normalization makes the reward's
 * scale irrelevant.
 */
class RndTest {
  static final int[] PLANE = {1, 84, 84};
  static final int SIZE = 84 * 84, N = 32;

  /** {@code n} frames: black, with a bright 10×10 block at a random place in rows [top, top + 30). */
  static byte[] frames(int n, int top, SplittableRandom rng) {
    byte[] b = new byte[n * SIZE];
    for (int i = 0; i < n; i++) {
      int y0 = top + rng.nextInt(30), x0 = rng.nextInt(74);
      for (int y = y0; y < y0 + 10; y++) for (int x = x0; x < x0 + 10; x++) b[i * SIZE + y * 84 + x] = (byte) 200;
    }
    return b;
  }

  static double mean(float[] x) {
    double s = 0;
    for (float v : x) s += v;
    return s / x.length;
  }

  @Test
  void intrinsicRewardFallsOnStatesThePredictorWasTrainedOn() {
    SplittableRandom rng = new SplittableRandom(1);
    byte[] seen = frames(N, 0, rng), unseen = frames(N, 50, rng);
    Rnd rnd = new Rnd(PLANE, 1, new SplittableRandom(7));
    rnd.observe(seen, N); // the observation statistics of what the agent has visited
    Adam adam = new Adam(rnd.trainable(), 0.9, 0.999, 1e-5);
    try (NDManager m = Torch.newManager()) {
      double seenBefore = mean(rnd.novelty(m, seen, N)), unseenBefore = mean(rnd.novelty(m, unseen, N));
      for (int step = 0; step < 25; step++) {
        try (NDManager s = m.newSubManager()) {
          NDList pt = rnd.predictor.toTensors(s, true), tt = rnd.target.toTensors(s, false);
          NDArray x = Rnd.whiten(PixelRollouts.frames(s, seen, 0, N, PLANE), rnd.statsTensors(s));
          try (GradientCollector gc = Torch.engine().newGradientCollector()) {
            gc.backward(rnd.predictionError(pt, tt, x).mean());
          }
          adam.step(rnd.trainable(), ConvNet.gradients(pt), 1e-3, 0.5);
        }
      }
      double seenAfter = mean(rnd.novelty(m, seen, N)), unseenAfter = mean(rnd.novelty(m, unseen, N));
      String report = String.format("seen %.3g -> %.3g, unseen %.3g -> %.3g", seenBefore, seenAfter, unseenBefore, unseenAfter);
      assertTrue(seenAfter < 0.2 * seenBefore, "training on the seen states lowers their reward: " + report);
      assertTrue(unseenAfter > 5 * seenAfter, "states unlike the trained ones keep a high reward: " + report);
    }
  }

  @Test
  void normalizedIntrinsicRewardsDoNotDependOnTheRawScale() {
    SplittableRandom rng = new SplittableRandom(2);
    int nEnvs = 4, n = 4 * 128;
    float[] raw = new float[n], scaled = new float[n];
    for (int i = 0; i < n; i++) {
      raw[i] = (float) rng.nextDouble();
      scaled[i] = 1000 * raw[i];
    }
    Rnd.ReturnScale a = new Rnd.ReturnScale(nEnvs), b = new Rnd.ReturnScale(nEnvs);
    for (int rollout = 0; rollout < 3; rollout++) {
      float[] x = raw.clone(), y = scaled.clone();
      a.normalize(x, nEnvs, 0.99);
      b.normalize(y, nEnvs, 0.99);
      for (int i = 0; i < n; i++) assertEquals(x[i], y[i], 1e-4 * Math.abs(x[i]), "rollout " + rollout + " reward " + i);
    }
    // non-episodic: each copy's discounted return runs on across the three rollouts, never reset
    for (int e = 0; e < nEnvs; e++) {
      double ret = 0;
      for (int rollout = 0; rollout < 3; rollout++) for (int t = 0; t < 128; t++) ret = 0.99 * ret + raw[t * nEnvs + e];
      assertEquals(ret, a.discounted[e], 1e-9 * ret, "copy " + e);
    }
  }
}

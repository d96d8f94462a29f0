package dev.rlcompress.train.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Adam} follows torch.optim.Adam. The reference is PyTorch's documented algorithm (the
 * single-tensor CPU implementation: L2 decay added to the gradient, lerp of the first moment, ε added
 * after dividing sqrt(v) by sqrt(1 − β2ᵗ)) evaluated here in float64. Some gradients are ~1e-8 so that
 * sqrt(v̂) is near ε and a misplaced ε (as in DJL's Adam) changes their update by a large factor.
 */
class AdamTest {
  @ParameterizedTest(name = "weight decay {0}")
  @ValueSource(doubles = {0.0, 0.01})
  void stepsEqualPyTorchsFormulaInDouble(double weightDecay) {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 1000, steps = 25;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
    float[] start = w.clone();
    float[] g = new float[n];
    double[] ref = new double[n], m = new double[n], v = new double[n];
    for (int i = 0; i < n; i++) ref[i] = w[i];
    double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    Adam adam = new Adam(new Adam.Settings(lr, b1, b2, eps, weightDecay), new float[][] {w}, new float[][] {g});
    for (int t = 1; t <= steps; t++) {
      for (int i = 0; i < n; i++) g[i] = (float) ((rng.nextDouble() * 2 - 1) * (i % 10 == 0 ? 1e-8 : 1));
      adam.step();
      for (int i = 0; i < n; i++) {
        double gi = g[i] + weightDecay * ref[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
        ref[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
      }
    }
    double maxErr = 0, tinyMove = 0;
    for (int i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(w[i] - ref[i]));
    for (int i = 0; i < n; i += 10) tinyMove += Math.abs(ref[i] - start[i]) / (n / 10);
    assertTrue(maxErr < 1e-5, "max |float32 Adam - float64 reference| = " + maxErr);
    assertTrue(tinyMove > 1e-3, "parameters with ~1e-8 gradients moved (so ε's placement matters): " + tinyMove);
    assertEquals(steps, adam.steps());
  }

  @Test
  void clipGradNormScalesToTheLimitLikePyTorch() {
    float[][] a = {{3, 0}, {0, 4}}, b = {{1, 1}};
    double norm = Params.clipGradNorm(2.0, a, b);
    assertEquals(Math.sqrt(27), norm, 1e-6);
    double coef = 2.0 / (Math.sqrt(27) + 1e-6);
    assertEquals(3 * coef, a[0][0], 1e-6);
    assertEquals(4 * coef, a[1][1], 1e-6);
    assertEquals(coef, b[0][1], 1e-6);
    float[][] small = {{0.3f, 0.4f}};
    assertEquals(0.5, Params.clipGradNorm(2.0, small), 1e-6);
    assertArrayEquals(new float[] {0.3f, 0.4f}, small[0], "below the limit nothing changes");
  }

  @Test
  void stepsAllTheNetworksItWasGiven() {
    SplittableRandom rng = new SplittableRandom(5);
    Mlp q1 = Mlp.of(new int[] {3, 8, 1}, Activation.RELU, WeightInit.TORCH_DEFAULT, rng);
    Mlp q2 = Mlp.of(new int[] {3, 8, 1}, Activation.RELU, WeightInit.TORCH_DEFAULT, rng);
    float[] before1 = q1.params()[0].clone(), before2 = q2.params()[2].clone();
    java.util.Arrays.fill(q1.grads()[0], 1f);
    java.util.Arrays.fill(q2.grads()[2], -1f);
    new Adam(Adam.Settings.lr(0.1), q1, q2).step();
    for (int i = 0; i < before1.length; i++) assertEquals(before1[i] - 0.1, q1.params()[0][i], 1e-5);
    for (int i = 0; i < before2.length; i++) assertEquals(before2[i] + 0.1, q2.params()[2][i], 1e-5);
  }
}

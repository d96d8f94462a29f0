package dev.rlcompress.train.nn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import dev.rlcompress.Fixtures;
import dev.rlcompress.train.Torch;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java kernels compute the loss gradient PyTorch computes: every parameter gradient and the input
 * gradient of an MSE loss, for the network shapes the continuous-control algorithms use, at batch 256
 * (the update), 1 (rollouts) and sizes that exercise the kernels' edge tiles. The PyTorch side is
 * built here directly with DJL (not through {@link DjlMlp}), with the same weights.
 */
class MlpGradientTest {
  /** Largest |java − torch| relative to the largest |torch| of the same array (float32 on both sides). */
  static final double TOL = 1e-4;

  @ParameterizedTest(name = "{0} hidden={1} out={2} batch={3}")
  @CsvSource({
    "23-256-256-1, RELU, IDENTITY, 256", // TD3/SAC critic
    "17-256-256-6, RELU, TANH, 256", // TD3 actor
    "17-256-256-12, RELU, IDENTITY, 1", // SAC actor (mean and log-std) at rollout
    "11-64-64-3, TANH, IDENTITY, 7", // PPO-style tanh net, odd batch
    "19-37-70-3, RELU, TANH, 6", // widths that are not whole vectors
    "5-7-6-3, RELU, IDENTITY, 9" // every layer narrower than a vector
  })
  void javaGradientsMatchPyTorch(String shape, Activation hidden, Activation output, int batch) {
    int[] sizes = java.util.Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
    SplittableRandom rng = new SplittableRandom(7);
    Mlp net = Mlp.of(Mlp.Backend.JAVA, sizes, hidden, output, WeightInit.TORCH_DEFAULT, rng);
    float[] x = Fixtures.rand(batch * sizes[0], rng), target = Fixtures.rand(batch * net.outputs(), rng);

    Tape t = net.forward(x, batch);
    float[] out = t.output().clone();
    float[] dOut = new float[out.length];
    for (int i = 0; i < out.length; i++) dOut[i] = 2 * (out[i] - target[i]) / out.length; // d mean((out-t)^2)
    float[] dIn = net.backward(t, dOut, Backprop.BOTH);

    try (NDManager m = Torch.newManager()) {
      NDArray[] leaves = new NDArray[net.params().length];
      for (int l = 0; l + 1 < sizes.length; l++) {
        leaves[2 * l] = m.create(net.params()[2 * l], new Shape(sizes[l + 1], sizes[l]));
        leaves[2 * l + 1] = m.create(net.params()[2 * l + 1], new Shape(sizes[l + 1]));
      }
      NDArray xs = m.create(x, new Shape(batch, sizes[0]));
      for (NDArray a : leaves) a.setRequiresGradient(true);
      xs.setRequiresGradient(true);
      float[] torchOut;
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        NDArray h = xs;
        for (int l = 0; l + 1 < sizes.length; l++) {
          h = Linear.linear(h, leaves[2 * l], leaves[2 * l + 1]).singletonOrThrow();
          Activation a = l + 2 < sizes.length ? hidden : output;
          if (a == Activation.RELU) h = h.maximum(0f);
          if (a == Activation.TANH) h = h.tanh();
        }
        torchOut = h.toFloatArray();
        NDArray loss = h.sub(m.create(target, h.getShape())).square().mean();
        gc.backward(loss);
      }
      assertClose("output", torchOut, out);
      for (int i = 0; i < leaves.length; i++)
        assertClose((i % 2 == 0 ? "W" : "b") + i / 2, leaves[i].getGradient().toFloatArray(), net.grads()[i]);
      assertClose("input", xs.getGradient().toFloatArray(), dIn);
    }
  }

  static void assertClose(String what, float[] ref, float[] got) {
    assertEquals(ref.length, got.length, what + " length");
    double maxRef = 0, maxDiff = 0;
    for (int i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
      maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
    }
    assertTrue(maxRef > 0, what + ": reference is all zero, the check would be empty");
    assertTrue(maxDiff <= TOL * maxRef, what + ": max error " + maxDiff + " vs max magnitude " + maxRef);
  }
}

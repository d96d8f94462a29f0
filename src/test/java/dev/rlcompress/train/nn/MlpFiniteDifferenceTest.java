package dev.rlcompress.train.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.Fixtures;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backward pass against central finite differences of a double-precision forward pass written
 * here from the definition (independent of PyTorch and of the kernels): for L = Σ c ⊙ net(x) with
 * random c, every parameter and input derivative. Widths below and above one vector (16 floats) and
 * odd batches run every tile of the kernels.
 */
class MlpFiniteDifferenceTest {
  static final double H = 1e-4;

  @ParameterizedTest(name = "{0} hidden={1} out={2} batch={3}")
  @CsvSource({
    "5-7-6-3, RELU, IDENTITY, 9",
    "19-37-70-3, TANH, TANH, 6",
    "3-40-20-12, RELU, TANH, 1",
    "33-64-2, TANH, IDENTITY, 13"
  })
  void backwardMatchesFiniteDifferences(String shape, Activation hidden, Activation output, int batch) {
    int[] sizes = Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
    SplittableRandom rng = new SplittableRandom(11);
    Mlp net = Mlp.of(Mlp.Backend.JAVA, sizes, hidden, output, WeightInit.TORCH_DEFAULT, rng);
    float[] x = Fixtures.rand(batch * sizes[0], rng), c = Fixtures.rand(batch * net.outputs(), rng);
    float[] dIn = net.backward(net.forward(x, batch), c, Backprop.BOTH).clone();

    double[][] p = new double[net.params().length][];
    for (int i = 0; i < p.length; i++) p[i] = toDouble(net.params()[i]);
    double[] xd = toDouble(x), cd = toDouble(c);
    for (int i = 0; i < p.length; i++) assertMatches("param " + i, net.grads()[i], p[i], () -> loss(sizes, hidden, output, p, xd, batch, cd));
    assertMatches("input", dIn, xd, () -> loss(sizes, hidden, output, p, xd, batch, cd));
  }

  /** Compares each analytic derivative with (L(v+h) − L(v−h)) / 2h, perturbing v in place. */
  private static void assertMatches(String what, float[] analytic, double[] v, java.util.function.DoubleSupplier loss) {
    double maxRef = 0, maxDiff = 0;
    for (int i = 0; i < v.length; i++) {
      double keep = v[i];
      v[i] = keep + H;
      double up = loss.getAsDouble();
      v[i] = keep - H;
      double down = loss.getAsDouble();
      v[i] = keep;
      double fd = (up - down) / (2 * H);
      maxRef = Math.max(maxRef, Math.abs(fd));
      maxDiff = Math.max(maxDiff, Math.abs(fd - analytic[i]));
    }
    assertTrue(maxRef > 0, what + ": all derivatives zero, the check would be empty");
    assertTrue(maxDiff <= 1e-4 * maxRef, what + ": max error " + maxDiff + " vs max magnitude " + maxRef);
  }

  /** Σ c ⊙ f(x) in double, straight from the definition of the layers. */
  static double loss(int[] sizes, Activation hidden, Activation output, double[][] p, double[] x, int batch, double[] c) {
    double sum = 0;
    for (int b = 0; b < batch; b++) {
      double[] h = Arrays.copyOfRange(x, b * sizes[0], (b + 1) * sizes[0]);
      for (int l = 0; l + 1 < sizes.length; l++) {
        double[] z = new double[sizes[l + 1]];
        for (int o = 0; o < z.length; o++) {
          double s = p[2 * l + 1][o];
          for (int i = 0; i < h.length; i++) s += p[2 * l][o * h.length + i] * h[i];
          Activation a = l + 2 < sizes.length ? hidden : output;
          z[o] = switch (a) {
            case RELU -> Math.max(0, s);
            case TANH -> Math.tanh(s);
            case IDENTITY -> s;
          };
        }
        h = z;
      }
      for (int o = 0; o < h.length; o++) sum += c[b * h.length + o] * h[o];
    }
    return sum;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }
}

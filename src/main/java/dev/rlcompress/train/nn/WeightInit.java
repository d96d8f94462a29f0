package dev.rlcompress.train.nn;

import dev.rlcompress.model.Layer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a new network's parameters are drawn. Delegates to {@link dev.rlcompress.train.Mlp}'s
 * initialisers so that a network built here from a seed has exactly the weights the existing trainers
 * would draw from it.
 *
 * @param outputGain NaN for PyTorch's {@code nn.Linear} default (U(±1/sqrt(in)) weights and biases);
 *     otherwise orthogonal init (gain sqrt 2 for hidden layers, this gain for the last), zero biases, as
 *     SB3 initialises PPO and A2C
 */
public record WeightInit(double outputGain) {
  /** PyTorch's default: what SB3's TD3, DDPG, SAC and DQN networks start from. */
  public static final WeightInit TORCH_DEFAULT = new WeightInit(Double.NaN);

  /** SB3's on-policy init: orthogonal, sqrt 2 hidden gain; 0.01 for a policy head, 1 for a value head. */
  public static WeightInit orthogonal(double outputGain) {
    if (!(outputGain > 0)) throw new IllegalArgumentException("orthogonal gain must be positive: " + outputGain);
    return new WeightInit(outputGain);
  }

  /** Fresh parameters in PyTorch layout: W0[out][in], b0, W1, b1, ... */
  float[][] draw(int[] sizes, SplittableRandom rng) {
    List<Layer> layers = new dev.rlcompress.train.Mlp(sizes, Layer.Activation.Kind.RELU, outputGain, rng).toLayers();
    float[][] p = new float[2 * (sizes.length - 1)][];
    int i = 0;
    for (Layer l : layers) {
      if (l instanceof Layer.Linear lin) {
        p[i++] = lin.weight();
        p[i++] = lin.bias();
      }
    }
    return p;
  }
}

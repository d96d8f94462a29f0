package dev.rlcompress.model;

import dev.rlcompress.env.Agent;
import dev.rlcompress.env.Space;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Reads an action from an action head's output: the greedy one, or one sampled from the head's distribution. */
public final class Actions {
  private Actions() {}

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  /**
   * The continuous action for a head output. Continuous heads already output the environment's action
   * (their squashing/clipping is part of the policy, {@link HeadKind#finish}); clipping to the box here
   * only guards against a runtime's rounding.
   */
  public static float[] continuous(HeadKind kind, float[] out, Space.Box box) {
    return switch (kind) {
      case HeadKind.TanhAction t -> box.clip(out);
      case HeadKind.Gaussian g -> box.clip(out);
      default -> throw new IllegalArgumentException(kind.tag() + " head does not produce continuous actions");
    };
  }

  /** A greedy agent from any function computing the action head's output (Java reference, ORT, …). */
  public static Agent greedy(HeadKind kind, Space actionSpace, Function<float[], float[]> headOutput) {
    return new Agent() {
      @Override
      public int discreteAction(float[] obs) {
        return argmax(headOutput.apply(obs));
      }

      @Override
      public float[] continuousAction(float[] obs) {
        return continuous(kind, headOutput.apply(obs), (Space.Box) actionSpace);
      }
    };
  }

  /** log softmax(logits), in double: a categorical head's log-probabilities. */
  public static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    double lse = max + Math.log(sum);
    double[] r = new double[logits.length];
    for (int i = 0; i < logits.length; i++) r[i] = logits[i] - lse;
    return r;
  }

  /** An index drawn with probabilities exp(logp), one {@code rng.nextDouble()} per draw (PPO's rollouts and {@link #sampled}). */
  public static int sample(double[] logp, java.util.random.RandomGenerator rng) {
    double u = rng.nextDouble(), c = 0;
    for (int i = 0; i < logp.length; i++) {
      c += Math.exp(logp[i]);
      if (u < c) return i;
    }
    return logp.length - 1;
  }

  /** Whether {@link #sampled} can draw from this head: a categorical or Gaussian policy; Q-values and deterministic actors have no distribution. */
  public static boolean hasDistribution(HeadKind kind) {
    return kind instanceof HeadKind.Categorical || kind instanceof HeadKind.Gaussian;
  }

  /**
   * An agent that samples from the policy's own distribution: a categorical head's softmax over its
   * logits, a Gaussian head's mean plus its state-independent standard deviation (then clipped to the
   * box, as SB3 clips before stepping). RL Zoo evaluates Atari policies this way; {@code rng} makes the
   * draws repeatable. Not thread-safe (one per episode).
   *
   * @throws IllegalArgumentException for a head without a distribution ({@link #hasDistribution})
   */
  public static Agent sampled(HeadKind kind, Space actionSpace, Function<float[], float[]> headOutput, SplittableRandom rng) {
    if (!hasDistribution(kind)) throw new IllegalArgumentException(kind.tag() + " head has no action distribution to sample");
    return new Agent() {
      @Override
      public int discreteAction(float[] obs) {
        return sample(logSoftmax(headOutput.apply(obs)), rng);
      }

      @Override
      public float[] continuousAction(float[] obs) {
        float[] mean = headOutput.apply(obs), a = new float[mean.length];
        float[] logStd = ((HeadKind.Gaussian) kind).logStd();
        for (int i = 0; i < a.length; i++) a[i] = (float) (mean[i] + Math.exp(logStd[i]) * rng.nextGaussian());
        return ((Space.Box) actionSpace).clip(a);
      }
    };
  }
}

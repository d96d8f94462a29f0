package dev.rlcompress.model;

import dev.rlcompress.env.Agent;
import dev.rlcompress.env.Space;
import java.util.function.Function;

/** Reads a greedy (deterministic) action from an action head's output. */
public final class Actions {
  private Actions() {}

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  /**
   * The continuous action for a head output: a Gaussian's mean clipped to the box, or a tanh output in
   * [-1, 1] rescaled to [low, high].
   */
  public static float[] continuous(HeadKind kind, float[] out, Space.Box box) {
    return switch (kind) {
      case HeadKind.TanhAction t -> {
        float[] a = new float[out.length];
        for (int i = 0; i < out.length; i++) a[i] = t.low()[i] + 0.5f * (out[i] + 1f) * (t.high()[i] - t.low()[i]);
        yield box.clip(a);
      }
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
}

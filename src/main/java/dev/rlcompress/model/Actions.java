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
}

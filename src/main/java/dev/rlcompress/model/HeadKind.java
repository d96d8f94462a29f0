package dev.rlcompress.model;

import java.util.Arrays;

/**
 * What a head's output means, which decides how an action is read from it. Deterministic evaluation
 * uses the greedy reading (argmax, or the mean for Gaussian policies), as RL Zoo's evaluations do.
 */
public sealed interface HeadKind
    permits HeadKind.QValues, HeadKind.Categorical, HeadKind.Gaussian, HeadKind.TanhAction, HeadKind.Value {

  String tag();

  /** Action-values of a discrete action space (DQN); the action is the argmax. */
  record QValues() implements HeadKind {
    public String tag() {
      return "q_values";
    }
  }

  /** Logits of a categorical policy (PPO); the greedy action is the argmax. */
  record Categorical() implements HeadKind {
    public String tag() {
      return "categorical";
    }
  }

  /** Mean of a diagonal Gaussian with state-independent log standard deviations. */
  record Gaussian(float[] logStd) implements HeadKind {
    public String tag() {
      return "gaussian";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gaussian g && Arrays.equals(logStd, g.logStd);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(logStd);
    }
  }

  /** A deterministic action squashed by tanh and scaled to [low, high] (DDPG/TD3/SAC actors). */
  record TanhAction(float[] low, float[] high) implements HeadKind {
    public String tag() {
      return "tanh_action";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TanhAction t && Arrays.equals(low, t.low) && Arrays.equals(high, t.high);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(low);
    }
  }

  /** A state-value estimate (critic); not an action head. */
  record Value() implements HeadKind {
    public String tag() {
      return "value";
    }
  }

  default boolean isDiscrete() {
    return this instanceof QValues || this instanceof Categorical;
  }
}

package dev.rlcompress.model;

import java.util.Arrays;

/**
 * What a head's output means, which decides how an action is read from it. Deterministic evaluation
 * uses the greedy reading (argmax, or the mean for Gaussian policies), as RL Zoo's evaluations do.
 *
 * <p>Continuous-action heads end in a fixed output stage after their layers ({@link #finish}): the
 * squashing and rescaling to the action box. It is part of the policy, so the exported graph, the Java
 * reference and every runtime output the very action the environment receives, while compression
 * methods see only the head's plain layers.
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

  /**
   * Mean of a diagonal Gaussian with state-independent log standard deviations (PPO, TRPO). The head's
   * output is the mean clipped to the action box [low, high], the action the environment receives
   * (SB3 clips the mean the same way before stepping).
   */
  record Gaussian(float[] logStd, float[] low, float[] high) implements HeadKind {
    public Gaussian {
      logStd = logStd.clone();
      low = low.clone();
      high = high.clone();
      if (low.length != logStd.length || high.length != logStd.length)
        throw new IllegalArgumentException("Gaussian head bounds and log-std differ in length");
    }

    public String tag() {
      return "gaussian";
    }

    @Override
    public float[] finish(float[] mean) {
      float[] a = new float[mean.length];
      for (int i = 0; i < a.length; i++) a[i] = Math.max(low[i], Math.min(high[i], mean[i]));
      return a;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gaussian g && Arrays.equals(logStd, g.logStd) && Arrays.equals(low, g.low)
          && Arrays.equals(high, g.high);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(logStd);
    }
  }

  /**
   * A deterministic action squashed by tanh and rescaled to [low, high] (DDPG/TD3 actors, SAC's mean
   * action): the head's layers compute u, its output is {@code low + (tanh(u) + 1)(high - low)/2}.
   */
  record TanhAction(float[] low, float[] high) implements HeadKind {
    public TanhAction {
      low = low.clone();
      high = high.clone();
      if (low.length != high.length) throw new IllegalArgumentException("tanh_action bounds differ in length");
    }

    public String tag() {
      return "tanh_action";
    }

    /** (high - low) / 2 per dimension: the rescaling's slope. */
    public float[] scale() {
      float[] s = new float[low.length];
      for (int i = 0; i < s.length; i++) s[i] = 0.5f * (high[i] - low[i]);
      return s;
    }

    /** (high + low) / 2 per dimension: the rescaling's offset. */
    public float[] offset() {
      float[] s = new float[low.length];
      for (int i = 0; i < s.length; i++) s[i] = 0.5f * (high[i] + low[i]);
      return s;
    }

    @Override
    public float[] finish(float[] u) {
      float[] s = scale(), o = offset(), a = new float[u.length];
      for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(u[i]) * s[i] + o[i];
      return a;
    }

    @Override
    public float finishLipschitz() {
      float m = 0;
      for (float v : scale()) m = Math.max(m, Math.abs(v));
      return m;
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

  /** The head's output from its layers' output: identity, except the squashing/clipping of continuous actions. */
  default float[] finish(float[] layersOutput) {
    return layersOutput;
  }

  /** A Lipschitz constant of {@link #finish} in the ∞-norm (error bounds through the output stage). */
  default float finishLipschitz() {
    return 1f;
  }

  default boolean isDiscrete() {
    return this instanceof QValues || this instanceof Categorical;
  }
}

package dev.rlcompress.train;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Space;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.util.UserError;

/**
 * A continuous environment's action box and the [-1, 1] scaling the off-policy learners act, store and
 * learn in (as Stable-Baselines3 rescales Box actions): {@code u} in [-1, 1] is the action
 * {@code low + (u + 1)(high - low)/2}. Also the head kinds that put that rescaling (and tanh squashing)
 * into the exported policy, so the graph's output is the action the environment receives.
 */
record ActionBox(float[] low, float[] high) {
  ActionBox {
    low = low.clone();
    high = high.clone();
  }

  /** The box of {@code env}'s actions; fails in one line for discrete or unbounded action spaces. */
  static ActionBox of(Env env, String algorithm) {
    if (!(env.actionSpace() instanceof Space.Box b))
      throw new UserError(algorithm + " needs a continuous (Box) action space; " + env.id() + " has discrete actions");
    for (int i = 0; i < b.low().length; i++)
      if (!Float.isFinite(b.low()[i]) || !Float.isFinite(b.high()[i]) || !(b.high()[i] > b.low()[i]))
        throw new UserError(algorithm + " needs finite action bounds; " + env.id() + " has " + b);
    return new ActionBox(b.low(), b.high());
  }

  int dim() {
    return low.length;
  }

  /** The environment's action for a scaled action in [-1, 1]. */
  float[] toEnv(float[] u) {
    float[] a = new float[u.length];
    for (int i = 0; i < u.length; i++) a[i] = low[i] + 0.5f * (u[i] + 1f) * (high[i] - low[i]);
    return a;
  }

  /** The environment's action clipped into the box (for unbounded Gaussian samples, as SB3 clips). */
  float[] clip(float[] a) {
    float[] c = new float[a.length];
    for (int i = 0; i < a.length; i++) c[i] = Math.max(low[i], Math.min(high[i], a[i]));
    return c;
  }

  /** A uniformly random scaled action, what SB3 plays before learning starts. */
  float[] uniform(java.util.random.RandomGenerator rng) {
    float[] u = new float[low.length];
    for (int i = 0; i < u.length; i++) u[i] = (float) (rng.nextDouble() * 2 - 1);
    return u;
  }

  /** The head of a deterministic actor whose layers output pre-tanh values: tanh, then this box. */
  HeadKind.TanhAction squashed() {
    return new HeadKind.TanhAction(low, high);
  }

  /** The head of a Gaussian policy with these log-stds; its output is the mean clipped to this box. */
  HeadKind.Gaussian gaussian(float[] logStd) {
    return new HeadKind.Gaussian(logStd, low, high);
  }
}

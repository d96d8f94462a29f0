package dev.rlcompress.train.nn;

import static dev.rlcompress.train.nn.Vec.L;
import static dev.rlcompress.train.nn.Vec.S;

import jdk.incubator.vector.FloatVector;

/**
 * Adam with PyTorch's update, step for step as {@code torch.optim.Adam} (single-tensor CPU path) in
 * float32: g ← g + λθ (L2 weight decay, off by default); m ← m + (1−β1)(g − m); v ← β2·v + (1−β2)·g²;
 * θ ← θ − (lr / (1−β1ᵗ)) · m / (sqrt(v) / sqrt(1−β2ᵗ) + ε). Note where ε sits: added after the
 * bias-corrected square root, not to sqrt(v) (DJL's own Adam differs there). State is plain arrays so it
 * checkpoints with the weights.
 */
public final class Adam {
  /** Hyperparameters; {@link #lr(double)} gives PyTorch's defaults for the rest. */
  public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public Settings {
      if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0))
        throw new IllegalArgumentException("bad Adam settings: " + lr + ", " + beta1 + ", " + beta2 + ", " + eps + ", " + weightDecay);
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay. */
    public static Settings lr(double lr) {
      return new Settings(lr, 0.9, 0.999, 1e-8, 0);
    }
  }

  private final float[][] params, grads, m, v;
  private final Mlp[] nets;
  private double lr;
  private final Settings s;
  private long t;

  /** Over all parameters of the given networks (one optimiser for a twin critic, as SB3). */
  public Adam(Settings s, Mlp... nets) {
    this(s, nets, collect(nets, true), collect(nets, false));
  }

  /** Over free arrays, e.g. a log-std vector or SAC's log α (grads[i] belongs to params[i]). */
  public Adam(Settings s, float[][] params, float[][] grads) {
    this(s, new Mlp[0], params, grads);
  }

  private Adam(Settings s, Mlp[] nets, float[][] params, float[][] grads) {
    if (params.length != grads.length) throw new IllegalArgumentException("params and grads differ in count");
    this.s = s;
    this.lr = s.lr();
    this.nets = nets.clone();
    this.params = params;
    this.grads = grads;
    m = new float[params.length][];
    v = new float[params.length][];
    for (int i = 0; i < params.length; i++) {
      if (params[i].length != grads[i].length) throw new IllegalArgumentException("param " + i + " and its gradient differ in length");
      m[i] = new float[params[i].length];
      v[i] = new float[params[i].length];
    }
  }

  private static float[][] collect(Mlp[] nets, boolean params) {
    int n = 0;
    for (Mlp net : nets) n += net.params.length;
    float[][] out = new float[n][];
    int i = 0;
    for (Mlp net : nets) for (float[] a : params ? net.params : net.grads) out[i++] = a;
    return out;
  }

  /** The gradient arrays this optimiser reads (for {@link Params#clipGradNorm}). */
  public float[][] grads() {
    return grads;
  }

  /** Changes the learning rate from the next step on (a schedule). */
  public void setLr(double lr) {
    this.lr = lr;
  }

  public long steps() {
    return t;
  }

  /**
   * One update from the current gradients. A NaN or infinite gradient is refused before any weight
   * changes (as the array-based {@link dev.rlcompress.train.Adam} does), so the parameters stay the last
   * finite ones and the training run can stop with its last good checkpoint.
   */
  public void step() {
    double sq = 0;
    for (float[] g : grads) sq += Vec.sumSquares(g);
    if (!Double.isFinite(sq)) throw new dev.rlcompress.train.Adam.NonFiniteGradient(t + 1);
    t++;
    double bc1 = 1 - Math.pow(s.beta1(), t), bc2 = 1 - Math.pow(s.beta2(), t);
    float stepSize = (float) (lr / bc1), invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
    float b1c = (float) (1 - s.beta1()), b2 = (float) s.beta2(), b2c = (float) (1 - s.beta2());
    float eps = (float) s.eps(), wd = (float) s.weightDecay();
    for (int p = 0; p < params.length; p++) {
      float[] w = params[p], g = grads[p], mp = m[p], vp = v[p];
      int i = 0;
      for (int n = S.loopBound(w.length); i < n; i += L) {
        FloatVector wv = FloatVector.fromArray(S, w, i), gv = FloatVector.fromArray(S, g, i);
        if (wd != 0) gv = wv.fma(FloatVector.broadcast(S, wd), gv);
        FloatVector mv = FloatVector.fromArray(S, mp, i);
        mv = gv.sub(mv).fma(FloatVector.broadcast(S, b1c), mv);
        FloatVector vv = FloatVector.fromArray(S, vp, i).mul(b2).add(gv.mul(gv).mul(b2c));
        FloatVector denom = vv.sqrt().mul(invSqrtBc2).add(eps);
        mv.intoArray(mp, i);
        vv.intoArray(vp, i);
        wv.sub(mv.div(denom).mul(stepSize)).intoArray(w, i);
      }
      for (; i < w.length; i++) {
        float gi = wd != 0 ? g[i] + wd * w[i] : g[i];
        mp[i] += b1c * (gi - mp[i]);
        vp[i] = vp[i] * b2 + gi * gi * b2c;
        w[i] -= mp[i] / ((float) Math.sqrt(vp[i]) * invSqrtBc2 + eps) * stepSize;
      }
    }
    for (Mlp net : nets) net.paramsChanged();
  }

  /** State for a checkpoint: first and second moments (live arrays, same order as the parameters). */
  public float[][] firstMoments() {
    return m;
  }

  public float[][] secondMoments() {
    return v;
  }

  /** Restores the step count with the moments (write those into {@link #firstMoments()} etc.). */
  public void setSteps(long steps) {
    t = steps;
  }
}

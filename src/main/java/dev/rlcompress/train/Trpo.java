package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.List;

/**
 * Trust Region Policy Optimization (Schulman et al. 2015) for Box action spaces, following
 * sb3-contrib's TRPO: the rollouts, Gaussian policy and normalization of {@link GaussianRollouts}; the
 * natural-gradient direction by conjugate gradient on Fisher-vector products of the KL divergence
 * (with damping); the step scaled to the KL bound and shrunk by backtracking line search until the KL
 * stays below target_kl and the surrogate improves; the GAE critic trained by minibatch regression.
 *
 * <p>The Fisher-vector product is computed exactly in the Gauss-Newton form that equals the KL's
 * Hessian at the current policy: for a diagonal Gaussian with state-independent log-std,
 * {@code F v = mean_s J(s)ᵀ diag(1/σ²) J(s) v} on the mean network's parameters (J the mean's Jacobian:
 * the product J v in Java by forward-mode differentiation, Jᵀ u by PyTorch's backward) and {@code 2 v}
 * on the log-stds. Defaults per environment follow RL Zoo's trpo.yml.
 */
public final class Trpo {
  private Trpo() {}

  static final String NAME = "trpo";

  public static List<Hp> schema() {
    List<Hp> s = new java.util.ArrayList<>(Hp.common());
    s.addAll(GaussianRollouts.schema());
    s.add(Hp.integer("cg_max_steps", 1, "conjugate-gradient iterations for the natural-gradient direction"));
    s.add(Hp.nonNegative("cg_damping", "damping added to the Fisher-vector product"));
    s.add(new Hp("line_search_shrinking_factor", new Hp.Real(0, true, 1), "step shrink per line-search trial"));
    s.add(Hp.integer("line_search_max_iter", 1, "line-search trials before the step is abandoned"));
    s.add(Hp.integer("n_critic_updates", 1, "passes of critic regression over each rollout"));
    s.add(Hp.positive("target_kl", "KL bound of a policy step (the trust region)"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, Trpo::train);
  }

  /** The trust-region step's settings. */
  private record Step(int cgMaxSteps, double damping, double shrink, int maxIter, double targetKl) {}

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    int nEnvs = hp.integer("n_envs"), nSteps = hp.integer("n_steps"), batchSize = hp.integer("batch_size");
    VectorEnv envs = run.envs(nEnvs);
    ActionBox box = ActionBox.of(envs.env(0), "TRPO");
    long total = run.total();
    int obsDim = envs.env(0).observationSpace().flatSize(), d = box.dim();
    double lambda = hp.dbl("gae_lambda"), lr = hp.dbl("learning_rate");
    int criticUpdates = hp.integer("n_critic_updates");
    Step step = new Step(hp.integer("cg_max_steps"), hp.dbl("cg_damping"), hp.dbl("line_search_shrinking_factor"),
        hp.integer("line_search_max_iter"), hp.dbl("target_kl"));

    // Actor (mean) and log-std move by the trust-region step; the critic by its own Adam (eps 1e-5, as SB3).
    GaussianActorCritic ac = new GaussianActorCritic(hp, obsDim, box, run.config().seed());
    Mlp pi = ac.pi, v = ac.v;
    float[] logStd = ac.logStd;
    Adam valueAdam = new Adam(v.params, 0.9, 0.999, 1e-5);
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      ac.load(resumed);
      resumed.loadAdam("valueAdam", valueAdam);
    }
    GaussianRollouts rollouts = new GaussianRollouts(run, envs, nSteps, box, hp.bool("normalize"));
    ac.attach(rollouts, resumed);
    Rng rng = run.rng();
    Selection selection = run.selection();
    int n = rollouts.n;

    try (NDManager manager = Torch.newManager()) {
      while (run.step() < total) {
        // 1. Rollout; 2. GAE(λ), advantages normalized over the whole rollout.
        rollouts.collect(run, pi, logStd, v, rng);
        float[][] gae = rollouts.advantages(v, lambda);
        float[] adv = gae[0].clone();
        Ppo.standardize(adv);

        // 3. One trust-region step of the policy.
        policyStep(manager, pi, logStd, rollouts, adv, step);

        // 4. Critic regression on the returns: n_critic_updates passes of shuffled minibatches.
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int k = 0; k < criticUpdates; k++) {
          Ppo.shuffle(perm, rng);
          for (int from = 0; from < n; from += batchSize) {
            int m = Math.min(batchSize, n - from);
            valueAdam.step(v.params, valueGradient(manager, v, GaussianRollouts.gather(rollouts.obs, obsDim, perm, from, m),
                GaussianRollouts.gather(gae[1], 1, perm, from, m)), lr, 0);
          }
        }

        // 5. Evaluation (mean action), checkpoint, progress.
        ac.select(selection, run.step(), rollouts);
        if (run.checkpointDue(n))
          run.checkpoint(c -> {
            ac.save(c);
            c.putAdam("valueAdam", valueAdam);
            rollouts.save(c);
          });
        run.progress();
      }
    }
    PolicyModel model = ac.model(rollouts, selection.bestStep >= 0, run.provenance());
    return run.result(model);
  }

  /**
   * The natural-gradient step on (mean network, log-std): direction s solving F s = g by conjugate
   * gradient, scaled to the KL bound ({@code sqrt(2 δ / sᵀF s)}), then shrunk until the KL between new
   * and old policy stays below δ and the surrogate {@code mean(ratio · A)} improves; with no acceptable
   * step the policy is left as it was.
   */
  private static void policyStep(NDManager manager, Mlp pi, float[] logStd, GaussianRollouts r, float[] adv, Step step) {
    int n = r.n, d = r.actDim;
    float[][] oldMeans = means(pi, r.obs, n, r.obsDim);
    float[] oldLogStd = logStd.clone();
    float[][] oldParams = flatCopy(pi.params);
    double oldObjective = objective(pi, logStd, r, adv)[0];
    double[] g = flatten(surrogateGradient(manager, pi, logStd, r, adv));
    java.util.function.UnaryOperator<double[]> fvp = vec -> fisherVector(manager, pi, logStd, r, vec, step.damping());
    double[] s = conjugateGradient(fvp, g, step.cgMaxSteps());
    double sFs = dot(s, fvp.apply(s));
    if (!(sFs > 0) || !Double.isFinite(sFs)) return;
    double maxStep = Math.sqrt(2 * step.targetKl() / sFs);
    double coef = 1.0;
    for (int i = 0; i < step.maxIter(); i++) {
      setParams(pi, logStd, oldParams, oldLogStd, s, coef * maxStep);
      double[] objKl = objective(pi, logStd, r, adv, oldMeans, oldLogStd);
      if (objKl[1] < step.targetKl() && objKl[0] > oldObjective) return;
      coef *= step.shrink();
    }
    setParams(pi, logStd, oldParams, oldLogStd, s, 0);
  }

  /** The Gaussian means of every rollout state under the current network (Java forward). */
  private static float[][] means(Mlp pi, float[] obs, int n, int obsDim) {
    float[][] m = new float[n][];
    for (int i = 0; i < n; i++) m[i] = pi.forward(java.util.Arrays.copyOfRange(obs, i * obsDim, (i + 1) * obsDim));
    return m;
  }

  /** {surrogate mean(ratio · A)} at the current parameters. */
  private static double[] objective(Mlp pi, float[] logStd, GaussianRollouts r, float[] adv) {
    return objective(pi, logStd, r, adv, null, null);
  }

  /** {surrogate, mean KL(new ‖ old)} at the current parameters; the KL only when old means are given. */
  private static double[] objective(Mlp pi, float[] logStd, GaussianRollouts r, float[] adv, float[][] oldMeans, float[] oldLogStd) {
    double obj = 0, kl = 0;
    for (int i = 0; i < r.n; i++) {
      float[] mean = pi.forward(java.util.Arrays.copyOfRange(r.obs, i * r.obsDim, (i + 1) * r.obsDim));
      obj += Math.exp(GaussianRollouts.logProb(r.actions, i * r.actDim, mean, logStd) - r.logProbs[i]) * adv[i];
      if (oldMeans == null) continue;
      for (int k = 0; k < r.actDim; k++) {
        double varNew = Math.exp(2.0 * logStd[k]), varOld = Math.exp(2.0 * oldLogStd[k]), dm = mean[k] - oldMeans[i][k];
        kl += oldLogStd[k] - logStd[k] + (varNew + dm * dm) / (2 * varOld) - 0.5;
      }
    }
    return new double[] {obj / r.n, kl / r.n};
  }

  /** Gradient of the surrogate mean(ratio · A) for the mean network's parameters, then the log-std. */
  private static float[][] surrogateGradient(NDManager manager, Mlp pi, float[] logStd, GaussianRollouts r, float[] adv) {
    int n = r.n;
    try (NDManager m = manager.newSubManager()) {
      NDList p = pi.toTensors(m, true);
      NDArray ls = m.create(logStd);
      ls.setRequiresGradient(true);
      NDArray x = m.create(r.obs, new Shape(n, r.obsDim)), a = m.create(r.actions, new Shape(n, r.actDim));
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        NDArray ratio = GaussianRollouts.logProb(pi.forward(p, x), ls, a).sub(m.create(r.logProbs)).exp();
        gc.backward(ratio.mul(m.create(adv)).mean());
      }
      return Ppo.concat(Mlp.gradients(p), new float[][] {ls.getGradient().toFloatArray()});
    }
  }

  /** {@code (F + damping I) vec} for the flat (mean network, log-std) vector. */
  private static double[] fisherVector(NDManager manager, Mlp pi, float[] logStd, GaussianRollouts r, double[] vec, double damping) {
    int n = r.n, d = r.actDim;
    float[][] dir = unflatten(vec, pi.params, d);
    float[] jv = meanJvp(pi, dir, r.obs, n, r.obsDim);
    float[] u = new float[n * d];
    for (int i = 0; i < n; i++)
      for (int k = 0; k < d; k++) u[i * d + k] = (float) (jv[i * d + k] / Math.exp(2.0 * logStd[k]) / n);
    float[][] jtu;
    try (NDManager m = manager.newSubManager()) {
      NDList p = pi.toTensors(m, true);
      NDArray x = m.create(r.obs, new Shape(n, r.obsDim));
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        gc.backward(pi.forward(p, x).mul(m.create(u, new Shape(n, d))).sum());
      }
      jtu = Mlp.gradients(p);
    }
    double[] out = flatten(Ppo.concat(jtu, new float[][] {new float[d]}));
    int lsOff = out.length - d;
    for (int k = 0; k < d; k++) out[lsOff + k] = 2 * vec[lsOff + k];
    for (int i = 0; i < out.length; i++) out[i] += damping * vec[i];
    return out;
  }

  /**
   * Forward-mode derivative of the mean network on every rollout state along the parameter direction
   * {@code dir} (same layout as the network's parameters): J·dir, [n × out].
   */
  private static float[] meanJvp(Mlp pi, float[][] dir, float[] obs, int n, int obsDim) {
    int[] sizes = pi.sizes();
    int layers = sizes.length - 1, out = sizes[layers];
    boolean relu = pi.activation() == Layer.Activation.Kind.RELU;
    float[] result = new float[n * out];
    for (int s = 0; s < n; s++) {
      double[] h = new double[obsDim], dh = new double[obsDim];
      for (int i = 0; i < obsDim; i++) h[i] = obs[s * obsDim + i];
      for (int l = 0; l < layers; l++) {
        int in = sizes[l], o = sizes[l + 1];
        float[] w = pi.params[2 * l], b = pi.params[2 * l + 1], dw = dir[2 * l], db = dir[2 * l + 1];
        double[] z = new double[o], dz = new double[o];
        for (int j = 0; j < o; j++) {
          double acc = b[j], dacc = db[j];
          for (int i = 0; i < in; i++) {
            acc += w[j * in + i] * h[i];
            dacc += dw[j * in + i] * h[i] + w[j * in + i] * dh[i];
          }
          z[j] = acc;
          dz[j] = dacc;
        }
        if (l + 1 < layers) {
          for (int j = 0; j < o; j++) {
            if (relu) {
              dz[j] = z[j] > 0 ? dz[j] : 0;
              z[j] = Math.max(0, z[j]);
            } else {
              z[j] = Math.tanh(z[j]);
              dz[j] *= 1 - z[j] * z[j];
            }
          }
        }
        h = z;
        dh = dz;
      }
      for (int j = 0; j < out; j++) result[s * out + j] = (float) dh[j];
    }
    return result;
  }

  /** Conjugate gradient for {@code A x = b} (A symmetric positive definite, given as a product), from x = 0. */
  static double[] conjugateGradient(java.util.function.UnaryOperator<double[]> a, double[] b, int maxSteps) {
    double[] x = new double[b.length], r = b.clone(), p = b.clone();
    double rr = dot(r, r);
    for (int it = 0; it < maxSteps; it++) {
      double[] ap = a.apply(p);
      double alpha = rr / dot(p, ap);
      for (int i = 0; i < x.length; i++) x[i] += alpha * p[i];
      if (it == maxSteps - 1) break;
      for (int i = 0; i < r.length; i++) r[i] -= alpha * ap[i];
      double rrNew = dot(r, r);
      if (Math.sqrt(rrNew) < 1e-10) break;
      double beta = rrNew / rr;
      for (int i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
      rr = rrNew;
    }
    return x;
  }

  /** Gradient of the critic's mean squared error against the returns on one minibatch. */
  private static float[][] valueGradient(NDManager manager, Mlp v, float[] obs, float[] ret) {
    int m = ret.length;
    try (NDManager sub = manager.newSubManager()) {
      NDList p = v.toTensors(sub, true);
      NDArray x = sub.create(obs, new Shape(m, obs.length / m));
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        gc.backward(v.forward(p, x).reshape(m).sub(sub.create(ret)).square().mean());
      }
      return Mlp.gradients(p);
    }
  }

  /** Parameters := old + scale · direction, for the mean network and the log-std (the flat direction's last d entries). */
  private static void setParams(Mlp pi, float[] logStd, float[][] oldParams, float[] oldLogStd, double[] dir, double scale) {
    int k = 0;
    for (int p = 0; p < pi.params.length; p++)
      for (int i = 0; i < pi.params[p].length; i++) pi.params[p][i] = (float) (oldParams[p][i] + scale * dir[k++]);
    for (int i = 0; i < logStd.length; i++) logStd[i] = (float) (oldLogStd[i] + scale * dir[k++]);
  }

  private static double[] flatten(float[][] arrays) {
    int len = 0;
    for (float[] a : arrays) len += a.length;
    double[] f = new double[len];
    int k = 0;
    for (float[] a : arrays) for (float x : a) f[k++] = x;
    return f;
  }

  /** The network-parameter part of a flat vector, shaped like {@code like} (the trailing d log-std entries dropped). */
  private static float[][] unflatten(double[] flat, float[][] like, int d) {
    float[][] out = new float[like.length][];
    int k = 0;
    for (int p = 0; p < like.length; p++) {
      out[p] = new float[like[p].length];
      for (int i = 0; i < out[p].length; i++) out[p][i] = (float) flat[k++];
    }
    return out;
  }

  private static float[][] flatCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}

package dev.rlcompress.train;

import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Normalization;

/**
 * What PPO and TRPO share on Box action spaces, as Stable-Baselines3's collect_rollouts with a diagonal
 * Gaussian policy behind VecNormalize: {@code n_steps} from each of {@code n_envs} environments with
 * actions sampled from N(mean(s), exp(logStd)²) and clipped to the box only for the environment (the
 * rollout keeps the sample), time-limit truncations bootstrapped from the final observation, then
 * GAE(λ). With normalization on, observations are standardised by running statistics updated at every
 * step and rewards are divided by the running standard deviation of the discounted return, both clipped
 * to ±10 (VecNormalize's defaults); the frozen observation statistics become the model's
 * {@link Normalization}.
 */
final class GaussianRollouts {
  /** VecNormalize's clip_obs and clip_reward. */
  static final float CLIP = 10f;
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  final int nEnvs, nSteps, n, obsDim, actDim;
  private final VectorEnv envs;
  private final ActionBox box;
  private final double gamma;
  /** Running observation statistics; null when observations are not normalized. */
  final RunningMeanStd obsRms;
  /** Running statistics of the discounted return, and that return per environment; null when rewards are not normalized. */
  private final RunningMeanStd retRms;
  private final double[] discounted;
  /** The rollout, laid out [t * nEnvs + e]; observations as the policy saw them (normalized). */
  final float[] obs, actions, logProbs, values, rewards;
  final boolean[] starts;
  /** Per environment: whether its next step starts an episode; its current (normalized) observation. */
  private final boolean[] lastStarts;
  private final float[][] current;

  GaussianRollouts(TrainingRun run, VectorEnv envs, int nSteps, ActionBox box, boolean normalize) {
    this.envs = envs;
    this.box = box;
    this.nEnvs = envs.size();
    this.nSteps = nSteps;
    this.n = nEnvs * nSteps;
    this.obsDim = envs.env(0).observationSpace().flatSize();
    this.actDim = box.dim();
    this.gamma = run.hp().dbl("gamma");
    obsRms = normalize ? new RunningMeanStd(obsDim) : null;
    retRms = normalize ? new RunningMeanStd(1) : null;
    discounted = new double[nEnvs];
    obs = new float[n * obsDim];
    actions = new float[n * actDim];
    logProbs = new float[n];
    values = new float[n];
    rewards = new float[n];
    starts = new boolean[n];
    lastStarts = new boolean[nEnvs];
    current = new float[nEnvs][];
    // A fresh run starts every episode and feeds the reset observations to the statistics (as
    // VecNormalize.reset does); a resumed one continues with the checkpointed statistics.
    if (run.resumed() == null) {
      java.util.Arrays.fill(lastStarts, true);
      if (obsRms != null) obsRms.update(envs.observations());
    } else {
      load(run.resumed());
    }
    for (int e = 0; e < nEnvs; e++) current[e] = normalize(envs.observations()[e]);
  }

  /** An observation as the policy sees it. */
  float[] normalize(float[] raw) {
    return obsRms == null ? raw : obsRms.normalization(CLIP).apply(raw);
  }

  /** The observation normalization the exported policy applies (null without normalization). */
  Normalization normalization() {
    return obsRms == null ? null : obsRms.normalization(CLIP);
  }

  /** log N(a; mean, exp(logStd)²) of a diagonal Gaussian, summed over dimensions. */
  static double logProb(float[] a, int aOff, float[] mean, float[] logStd) {
    double lp = 0;
    for (int k = 0; k < logStd.length; k++) {
      double z = (a[aOff + k] - mean[k]) / Math.exp(logStd[k]);
      lp += -0.5 * z * z - logStd[k] - HALF_LOG_2PI;
    }
    return lp;
  }

  /** The same log-density on tensors: mean [m, d], logStd [d], actions [m, d] → [m] (PPO's and TRPO's losses). */
  static ai.djl.ndarray.NDArray logProb(ai.djl.ndarray.NDArray mean, ai.djl.ndarray.NDArray logStd, ai.djl.ndarray.NDArray actions) {
    ai.djl.ndarray.NDArray z = actions.sub(mean).div(logStd.exp());
    return z.square().mul(-0.5f).sub(logStd).sub((float) HALF_LOG_2PI).sum(new int[] {1});
  }

  /** Entropy of the diagonal Gaussian, Σ (logStd + ½ log 2πe): state-independent here. */
  static ai.djl.ndarray.NDArray entropy(ai.djl.ndarray.NDArray logStd) {
    return logStd.add((float) (0.5 + HALF_LOG_2PI)).sum();
  }

  /** The policy and critic networks of PPO and TRPO: separate MLPs, orthogonally initialised (gains 0.01, 1) or with PyTorch's default. */
  static Mlp[] networks(Hyperparameters hp, int obsDim, int actDim, long seed) {
    java.util.SplittableRandom init = new java.util.SplittableRandom(seed);
    int[] hidden = hp.layers("net_arch");
    var act = hp.string("activation").equals("relu") ? dev.rlcompress.model.Layer.Activation.Kind.RELU
        : dev.rlcompress.model.Layer.Activation.Kind.TANH;
    boolean ortho = hp.bool("ortho_init");
    return new Mlp[] {new Mlp(Ppo.sizes(obsDim, hidden, actDim), act, ortho ? 0.01 : Double.NaN, init),
      new Mlp(Ppo.sizes(obsDim, hidden, 1), act, ortho ? 1.0 : Double.NaN, init)};
  }

  /** The hyperparameters of the Gaussian policy and its rollouts that PPO and TRPO both take. */
  static java.util.List<Hp> schema() {
    return java.util.List.of(
        Hp.integer("n_envs", 1, "parallel environments"),
        Hp.integer("n_steps", 1, "steps per environment per rollout"),
        Hp.integer("batch_size", 1, "minibatch size"),
        Hp.fraction("gae_lambda", "GAE lambda"),
        new Hp("activation", new Hp.Choice(java.util.List.of("tanh", "relu")), "hidden activation"),
        new Hp("log_std_init", new Hp.Real(-20, false, 2), "initial log standard deviation of the Gaussian policy"),
        Hp.flag("ortho_init", "orthogonal initialisation (SB3's ortho_init); false: PyTorch's default"),
        Hp.flag("normalize", "normalize observations and rewards with running statistics (RL Zoo's normalize: VecNormalize)"));
  }

  /** Collects {@code n_steps} from each environment with the policy {@code pi} (mean), {@code logStd} and critic {@code v}. */
  void collect(TrainingRun run, Mlp pi, float[] logStd, Mlp v, Rng rng) {
    float[][] envActions = new float[nEnvs][];
    for (int t = 0; t < nSteps; t++) {
      for (int e = 0; e < nEnvs; e++) {
        int idx = t * nEnvs + e;
        float[] x = current[e], mean = pi.forward(x);
        for (int k = 0; k < actDim; k++)
          actions[idx * actDim + k] = (float) (mean[k] + Math.exp(logStd[k]) * rng.nextGaussian());
        System.arraycopy(x, 0, obs, idx * obsDim, obsDim);
        logProbs[idx] = (float) logProb(actions, idx * actDim, mean, logStd);
        values[idx] = v.forward(x)[0];
        starts[idx] = lastStarts[e];
        envActions[e] = box.clip(java.util.Arrays.copyOfRange(actions, idx * actDim, (idx + 1) * actDim));
      }
      float[][] raw = envs.step(envActions);
      run.advance(nEnvs);
      if (obsRms != null) obsRms.update(raw);
      if (retRms != null) {
        float[][] ret = new float[nEnvs][1];
        for (int e = 0; e < nEnvs; e++) ret[e][0] = (float) (discounted[e] = discounted[e] * gamma + envs.reward(e));
        retRms.update(ret);
      }
      for (int e = 0; e < nEnvs; e++) {
        int idx = t * nEnvs + e;
        double r = retRms == null ? envs.reward(e) : retRms.scale(0, envs.reward(e), CLIP);
        // Time-limit truncation is not a terminal state: bootstrap from the final observation.
        if (envs.truncated(e) && !envs.terminated(e)) r += gamma * v.forward(normalize(envs.finalObservation(e)))[0];
        rewards[idx] = (float) r;
        lastStarts[e] = envs.episodeEnded(e);
        if (envs.episodeEnded(e)) {
          discounted[e] = 0;
          run.episodeFinished(envs.lastReturn(e));
        }
        current[e] = normalize(raw[e]);
      }
    }
  }

  /** GAE(λ) of the last rollout: {advantages, returns}. */
  float[][] advantages(Mlp v, double lambda) {
    float[] lastValues = new float[nEnvs];
    for (int e = 0; e < nEnvs; e++) lastValues[e] = v.forward(current[e])[0];
    return Ppo.gae(rewards, values, starts, lastValues, lastStarts, nEnvs, gamma, lambda);
  }

  /** The rows {@code idx} of a rollout array of width {@code w}, gathered into one array. */
  static float[] gather(float[] src, int w, int[] idx, int from, int count) {
    float[] out = new float[count * w];
    for (int i = 0; i < count; i++) System.arraycopy(src, idx[from + i] * w, out, i * w, w);
    return out;
  }

  /** Rollout boundaries are where PPO and TRPO checkpoint: the state that continues into the next rollout. */
  void save(Checkpoint c) {
    for (int e = 0; e < nEnvs; e++) {
      c.put("rollout.start." + e, lastStarts[e] ? 1 : 0);
      c.put("rollout.discounted." + e, Double.doubleToLongBits(discounted[e]));
    }
    if (obsRms != null) obsRms.save(c, "rollout.obsRms");
    if (retRms != null) retRms.save(c, "rollout.retRms");
  }

  private void load(Checkpoint c) {
    for (int e = 0; e < nEnvs; e++) {
      lastStarts[e] = c.number("rollout.start." + e) != 0;
      discounted[e] = Double.longBitsToDouble(c.number("rollout.discounted." + e));
    }
    if (obsRms != null) obsRms.load(c, "rollout.obsRms");
    if (retRms != null) retRms.load(c, "rollout.retRms");
  }
}

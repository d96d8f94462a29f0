package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) for discrete actions, following
 * Stable-Baselines3: separate actor and critic MLPs with orthogonal init, N vectorised environments,
 * GAE(λ) advantages with bootstrapping through time-limit truncation, clipped surrogate objective,
 * value MSE, entropy bonus, per-minibatch advantage normalisation, one Adam over both networks with
 * global gradient clipping, optional linear decay of learning rate and clip range. Defaults per
 * environment follow RL Zoo's ppo.yml.
 */
public final class Ppo {
  private Ppo() {}

  /**
   * What every PPO variant on vectorized rollouts takes (categorical, CNN, RND): the common keys, the
   * rollout shape and the clipped objective's coefficients. {@code streams} annotates keys that RND
   * applies to its two value streams.
   */
  static List<Hp> rolloutSchema(String streams) {
    List<Hp> s = new java.util.ArrayList<>(Hp.common());
    s.add(Hp.integer("n_envs", 1, "parallel environments"));
    s.add(Hp.integer("n_steps", 1, "steps per environment per rollout"));
    s.add(Hp.integer("batch_size", 1, "minibatch size"));
    s.add(Hp.integer("n_epochs", 0, "passes over each rollout (0: collect without learning)"));
    s.add(Hp.fraction("gae_lambda", "GAE lambda" + streams));
    s.add(Hp.positive("clip_range", "PPO clip range"));
    s.add(Hp.nonNegative("ent_coef", "entropy bonus coefficient"));
    s.add(Hp.nonNegative("vf_coef", "value loss coefficient" + streams));
    s.add(Hp.positive("max_grad_norm", "global gradient-norm clipping threshold"));
    return s;
  }

  /** The hyperparameters PPO takes, with their domains (checked before any work starts). */
  public static List<Hp> schema() {
    List<Hp> s = rolloutSchema("");
    s.add(Hp.flag("linear_schedule", "decay learning rate and clip range linearly to 0"));
    s.add(new Hp("activation", new Hp.Choice(List.of("tanh", "relu")), "hidden activation"));
    return s;
  }

  static final String NAME = "ppo";

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, Ppo::train);
  }

  /** Relations between hyperparameters, checked with their domains before any work. */
  static void checkRelations(Hyperparameters hp) {
    long n = (long) hp.integer("n_envs") * hp.integer("n_steps");
    hp.require(n <= 50_000_000L, "n_envs × n_steps is too large for one rollout buffer");
    hp.require(hp.integer("batch_size") <= n, "batch_size must not exceed n_envs × n_steps");
  }

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    int nEnvs = hp.integer("n_envs"), nSteps = hp.integer("n_steps"), batchSize = hp.integer("batch_size");
    VectorEnv envs = run.envs(nEnvs);
    if (!(envs.env(0).actionSpace() instanceof Space.Discrete actions))
      throw new UserError("this PPO handles discrete actions; " + run.config().envId() + " is continuous");
    long total = run.total();
    int obsDim = envs.env(0).observationSpace().flatSize(), nActions = actions.n();
    int nEpochs = hp.integer("n_epochs");
    double gamma = hp.dbl("gamma"), lambda = hp.dbl("gae_lambda"), clip0 = hp.dbl("clip_range");
    double entCoef = hp.dbl("ent_coef"), vfCoef = hp.dbl("vf_coef"), maxGradNorm = hp.dbl("max_grad_norm");
    Loss loss = new Loss(clip0, entCoef, vfCoef);
    double lr0 = hp.dbl("learning_rate");
    boolean linear = hp.bool("linear_schedule");
    Layer.Activation.Kind act = hp.string("activation").equals("relu") ? Layer.Activation.Kind.RELU : Layer.Activation.Kind.TANH;

    // Actor (logits, output gain 0.01) and critic (gain 1), orthogonally initialised as in SB3, from a
    // generator seeded with the run's seed (what Algorithms.initialPolicy rebuilds).
    SplittableRandom init = new SplittableRandom(run.config().seed());
    int[] hidden = hp.layers("net_arch");
    Mlp pi = new Mlp(sizes(obsDim, hidden, nActions), act, 0.01, init);
    Mlp v = new Mlp(sizes(obsDim, hidden, 1), act, 1.0, init);
    float[][] all = concat(pi.params, v.params);
    Adam adam = new Adam(all, 0.9, 0.999, 1e-5);
    Mlp bestPi = pi.copy(), bestV = v.copy();
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      resumed.loadNet("pi", pi);
      resumed.loadNet("v", v);
      resumed.loadNet("bestPi", bestPi);
      resumed.loadNet("bestV", bestV);
      resumed.loadAdam("adam", adam);
    }
    Rng rng = run.rng();
    Selection selection = run.selection();

    int n = nSteps * nEnvs;
    float[] bObs = new float[n * obsDim], bLogp = new float[n], bValues = new float[n], bRewards = new float[n];
    int[] bActions = new int[n];
    boolean[] bStarts = new boolean[n];
    // Whether each copy's next step starts an episode: true after a reset, and so after a resume (which
    // replays episodes in progress) only where that copy's episode has no steps yet — PPO checkpoints at
    // rollout boundaries, where this flag is the last step's "episode ended".
    boolean[] lastStarts = new boolean[nEnvs];
    if (resumed == null) java.util.Arrays.fill(lastStarts, true);
    else for (int e = 0; e < nEnvs; e++) lastStarts[e] = resumed.number("ppo.start." + e) != 0;
    float[][] obs = envs.observations();
    UpdateStats stats = new UpdateStats();

    try (NDManager manager = Torch.newManager()) {
      while (run.step() < total) {
        double progressRemaining = 1.0 - (double) run.step() / total;
        double lr = linear ? lr0 * progressRemaining : lr0;
        double clip = linear ? clip0 * progressRemaining : clip0;

        // 1. Collect n_steps from each environment with the current stochastic policy (Java forward).
        int[] acts = new int[nEnvs];
        for (int t = 0; t < nSteps; t++) {
          for (int e = 0; e < nEnvs; e++) {
            int idx = t * nEnvs + e;
            float[] logits = pi.forward(obs[e]);
            double[] logp = Actions.logSoftmax(logits);
            int a = Actions.sample(logp, rng);
            acts[e] = a;
            System.arraycopy(obs[e], 0, bObs, idx * obsDim, obsDim);
            bActions[idx] = a;
            bLogp[idx] = (float) logp[a];
            bValues[idx] = v.forward(obs[e])[0];
            bStarts[idx] = lastStarts[e];
          }
          obs = envs.step(acts);
          run.advance(nEnvs);
          for (int e = 0; e < nEnvs; e++) {
            int idx = t * nEnvs + e;
            double r = envs.reward(e);
            // Time-limit truncation is not a terminal state: bootstrap from the final observation.
            if (envs.truncated(e) && !envs.terminated(e)) r += gamma * v.forward(envs.finalObservation(e))[0];
            bRewards[idx] = (float) r;
            lastStarts[e] = envs.episodeEnded(e);
            if (envs.episodeEnded(e)) run.episodeFinished(envs.lastReturn(e));
          }
        }

        // 2. GAE(λ) advantages and returns.
        float[] lastValues = new float[nEnvs];
        for (int e = 0; e < nEnvs; e++) lastValues[e] = v.forward(obs[e])[0];
        float[][] gae = gae(bRewards, bValues, bStarts, lastValues, lastStarts, nEnvs, gamma, lambda);
        float[] adv = gae[0], ret = gae[1];

        // 3. n_epochs passes of shuffled minibatches over the rollout.
        Rollout rollout = new Rollout(bObs, obsDim, bActions, nActions, bLogp, adv, ret);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int epoch = 0; epoch < nEpochs; epoch++) {
          shuffle(perm, rng);
          for (int from = 0; from < n; from += batchSize) {
            int m = Math.min(batchSize, n - from);
            float[][] grads = gradient(manager, pi, v,
                Minibatch.of(rollout, perm, from, m), loss.withClip(clip), stats);
            stats.gradient(adam.step(all, grads, lr, maxGradNorm), maxGradNorm);
          }
        }
        run.updated(stats.finish(run.step(), lr, clip, bValues, ret));

        // 4. Evaluation, checkpoint, progress.
        long step = run.step();
        if (selection.due(step) && selection.evaluate(step, new HeadKind.Categorical(), pi::forward)) {
          bestPi.copyFrom(pi);
          bestV.copyFrom(v);
        }
        if (run.checkpointDue(n))
          run.checkpoint(c -> {
            c.putNet("pi", pi);
            c.putNet("v", v);
            c.putNet("bestPi", bestPi);
            c.putNet("bestV", bestV);
            c.putAdam("adam", adam);
            for (int e = 0; e < nEnvs; e++) c.put("ppo.start." + e, lastStarts[e] ? 1 : 0);
          });
        run.progress();
      }
    }
    boolean selected = selection.bestStep >= 0;
    PolicyModel model = new PolicyModel(new int[] {obsDim}, null, List.of(),
        List.of(new Head("pi", new HeadKind.Categorical(), (selected ? bestPi : pi).toLayers()),
            new Head("v", new HeadKind.Value(), (selected ? bestV : v).toLayers())),
        run.provenance());
    return run.result(model);
  }

  /** The clipped-surrogate loss's coefficients. */
  private record Loss(double clip, double entCoef, double vfCoef) {
    Loss withClip(double c) {
      return new Loss(c, entCoef, vfCoef);
    }
  }

  /** A collected rollout, flat: observations, actions, their log-probabilities, GAE advantages and returns. */
  private record Rollout(float[] obs, int obsDim, int[] actions, int nActions, float[] logp, float[] adv, float[] ret) {}

  /** One shuffled minibatch of the rollout, actions one-hot, advantages normalized. */
  private record Minibatch(int size, float[] obs, float[] onehot, float[] oldLogp, float[] adv, float[] ret) {
    static Minibatch of(Rollout b, int[] perm, int from, int m) {
      int obsDim = b.obsDim(), nActions = b.nActions();
      float[] o = new float[m * obsDim], onehot = new float[m * nActions], oldLogp = new float[m], a = new float[m], r = new float[m];
      for (int i = 0; i < m; i++) {
        int j = perm[from + i];
        System.arraycopy(b.obs(), j * obsDim, o, i * obsDim, obsDim);
        onehot[i * nActions + b.actions()[j]] = 1f;
        oldLogp[i] = b.logp()[j];
        a[i] = b.adv()[j];
        r[i] = b.ret()[j];
      }
      standardize(a);
      return new Minibatch(m, o, onehot, oldLogp, a, r);
    }
  }

  /** Gradient of the PPO loss on one minibatch, for actor then critic parameters. */
  private static float[][] gradient(NDManager manager, Mlp pi, Mlp v, Minibatch mb, Loss c, UpdateStats stats) {
    int m = mb.size(), obsDim = mb.obs().length / m, nActions = mb.onehot().length / m;
    try (NDManager sub = manager.newSubManager()) {
      NDList piT = pi.toTensors(sub, true), vT = v.toTensors(sub, true);
      NDArray x = sub.create(mb.obs(), new Shape(m, obsDim));
      NDArray mask = sub.create(mb.onehot(), new Shape(m, nActions));
      NDArray old = sub.create(mb.oldLogp()), advT = sub.create(mb.adv()), retT = sub.create(mb.ret());
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        PolicyTerms p = clippedSurrogate(pi.forward(piT, x), mask, old, advT, c.clip());
        NDArray value = v.forward(vT, x).reshape(m);
        NDArray valueLoss = value.sub(retT).square().mean();
        NDArray loss = p.loss().sub(p.entropy().mul((float) c.entCoef())).add(valueLoss.mul((float) c.vfCoef()));
        gc.backward(loss);
        stats.minibatch(p.loss(), valueLoss, p.entropy(), p.logRatio(), c.clip());
      }
      return concat(Mlp.gradients(piT), Mlp.gradients(vT));
    }
  }

  /**
   * PPO's policy terms on a minibatch: the clipped surrogate loss (to minimise), the mean entropy, and
   * the samples' log-probability ratios new − old (for {@link UpdateStats}).
   */
  record PolicyTerms(NDArray loss, NDArray entropy, NDArray logRatio) {}

  /**
   * The clipped surrogate objective (Schulman et al. 2017, eq. 7) as a loss, and the policy's entropy,
   * from the categorical policy's {@code logits} [m, A], the actions taken as {@code onehot} [m, A],
   * their log-probabilities when collected and the (normalized) advantages. Every discrete PPO here
   * (MLP, CNN, RND) computes its policy terms with this one function.
   */
  static PolicyTerms clippedSurrogate(NDArray logits, NDArray onehot, NDArray oldLogp, NDArray adv, double clip) {
    NDArray logpAll = logits.logSoftmax(1);
    NDArray logp = logpAll.mul(onehot).sum(new int[] {1});
    NDArray logRatio = logp.sub(oldLogp);
    NDArray ratio = logRatio.exp();
    NDArray surr = ratio.mul(adv).minimum(ratio.clip(1 - clip, 1 + clip).mul(adv));
    NDArray policyLoss = surr.mean().neg();
    NDArray entropy = logpAll.exp().mul(logpAll).sum(new int[] {1}).mean().neg();
    return new PolicyTerms(policyLoss, entropy, logRatio);
  }


  /**
   * GAE(λ) advantages (Schulman et al. 2016) and returns (advantage + value) of a rollout laid out
   * {@code [t * nEnvs + e]}; {@code starts} marks steps that began an episode, {@code lastValues} and
   * {@code lastStarts} describe the step after the rollout. Returns {advantages, returns}.
   */
  static float[][] gae(float[] rewards, float[] values, boolean[] starts, float[] lastValues, boolean[] lastStarts,
      int nEnvs, double gamma, double lambda) {
    int n = rewards.length, nSteps = n / nEnvs;
    float[] adv = new float[n], ret = new float[n];
    for (int e = 0; e < nEnvs; e++) {
      double lastGae = 0;
      double nextValue = lastValues[e];
      double nextNonTerminal = lastStarts[e] ? 0 : 1;
      for (int t = nSteps - 1; t >= 0; t--) {
        int idx = t * nEnvs + e;
        if (t < nSteps - 1) {
          nextNonTerminal = starts[idx + nEnvs] ? 0 : 1;
          nextValue = values[idx + nEnvs];
        }
        double delta = rewards[idx] + gamma * nextValue * nextNonTerminal - values[idx];
        lastGae = delta + gamma * lambda * nextNonTerminal * lastGae;
        adv[idx] = (float) lastGae;
        ret[idx] = (float) (lastGae + values[idx]);
      }
    }
    return new float[][] {adv, ret};
  }

  /** Advantage normalization in place: {@code (a - mean) / (std + 1e-8)} with torch's unbiased std, as SB3. */
  static void standardize(float[] a) {
    int m = a.length;
    double mean = 0, sq = 0;
    for (float x : a) mean += x;
    mean /= m;
    for (float x : a) sq += (x - mean) * (x - mean);
    double std = m > 1 ? Math.sqrt(sq / (m - 1)) : 1.0;
    for (int i = 0; i < m; i++) a[i] = (float) ((a[i] - mean) / (std + 1e-8));
  }

  static int[] sizes(int in, int[] hidden, int out) {
    int[] s = new int[hidden.length + 2];
    s[0] = in;
    System.arraycopy(hidden, 0, s, 1, hidden.length);
    s[s.length - 1] = out;
    return s;
  }

  static float[][] concat(float[][] a, float[][] b) {
    float[][] c = new float[a.length + b.length][];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static void shuffle(int[] a, java.util.random.RandomGenerator rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

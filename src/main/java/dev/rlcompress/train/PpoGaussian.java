package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.PolicyModel;
import java.util.List;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) for Box action spaces, following
 * Stable-Baselines3: a diagonal Gaussian policy with a state-independent log-std, separate actor and
 * critic MLPs, rollouts and optional observation/reward normalization from {@link GaussianRollouts},
 * GAE(λ), clipped surrogate objective, optional value clipping, entropy bonus, per-minibatch advantage
 * normalisation, one Adam over all parameters with global gradient clipping. The exported policy is
 * the mean clipped to the action box, with the observation normalization in the graph. Defaults per
 * environment follow RL Zoo's ppo.yml. ({@link Ppo} is the discrete-action form; {@code rlc train
 * --algo ppo} picks by the action space.)
 */
public final class PpoGaussian {
  private PpoGaussian() {}

  static final String NAME = "ppo";

  public static List<Hp> schema() {
    List<Hp> s = new java.util.ArrayList<>(Hp.common());
    s.addAll(GaussianRollouts.schema());
    s.add(Hp.integer("n_epochs", 1, "passes over each rollout"));
    s.add(Hp.positive("clip_range", "PPO clip range"));
    s.add(Hp.nonNegative("clip_range_vf", "value clipping range around the rollout's values (0: off)"));
    s.add(Hp.nonNegative("ent_coef", "entropy bonus coefficient"));
    s.add(Hp.nonNegative("vf_coef", "value loss coefficient"));
    s.add(Hp.positive("max_grad_norm", "global gradient-norm clipping threshold"));
    s.add(Hp.flag("linear_schedule", "decay learning rate and clip range linearly to 0"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, PpoGaussian::train);
  }

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    int nEnvs = hp.integer("n_envs"), nSteps = hp.integer("n_steps"), batchSize = hp.integer("batch_size");
    VectorEnv envs = run.envs(nEnvs);
    ActionBox box = ActionBox.of(envs.env(0), "PPO");
    long total = run.total();
    int obsDim = envs.env(0).observationSpace().flatSize(), d = box.dim(), nEpochs = hp.integer("n_epochs");
    double lambda = hp.dbl("gae_lambda"), clip0 = hp.dbl("clip_range"), lr0 = hp.dbl("learning_rate");
    double maxGradNorm = hp.dbl("max_grad_norm");
    boolean linear = hp.bool("linear_schedule");

    // Actor (mean), critic and the state-independent log-std, all under one Adam (eps 1e-5, as SB3).
    GaussianActorCritic ac = new GaussianActorCritic(hp, obsDim, box, run.config().seed());
    Mlp pi = ac.pi, v = ac.v;
    float[] logStd = ac.logStd;
    float[][] all = Ppo.concat(Ppo.concat(pi.params, new float[][] {logStd}), v.params);
    Adam adam = new Adam(all, 0.9, 0.999, 1e-5);
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      ac.load(resumed);
      resumed.loadAdam("adam", adam);
    }
    GaussianRollouts rollouts = new GaussianRollouts(run, envs, nSteps, box, hp.bool("normalize"));
    ac.attach(rollouts, resumed);
    Loss coefs = new Loss(clip0, hp.dbl("clip_range_vf"), hp.dbl("ent_coef"), hp.dbl("vf_coef"));
    Rng rng = run.rng();
    Selection selection = run.selection();
    int n = rollouts.n;
    UpdateStats stats = new UpdateStats();

    try (NDManager manager = Torch.newManager()) {
      while (run.step() < total) {
        double progressRemaining = 1.0 - (double) run.step() / total;
        double lr = linear ? lr0 * progressRemaining : lr0;
        Loss loss = linear ? coefs.withClip(clip0 * progressRemaining) : coefs;

        // 1. Rollout with the current stochastic policy; 2. GAE(λ).
        rollouts.collect(run, pi, logStd, v, rng);
        float[][] gae = rollouts.advantages(v, lambda);

        // 3. n_epochs passes of shuffled minibatches over the rollout.
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int epoch = 0; epoch < nEpochs; epoch++) {
          Ppo.shuffle(perm, rng);
          for (int from = 0; from < n; from += batchSize) {
            Minibatch mb = Minibatch.of(rollouts, gae, perm, from, Math.min(batchSize, n - from));
            stats.gradient(adam.step(all, gradient(manager, pi, logStd, v, mb, loss, stats), lr, maxGradNorm), maxGradNorm);
          }
        }
        run.updated(stats.finish(run.step(), lr, loss.clip(), rollouts.values, gae[1]));

        // 4. Evaluation (mean action, observations normalized as now), checkpoint, progress.
        ac.select(selection, run.step(), rollouts);
        if (run.checkpointDue(n))
          run.checkpoint(c -> {
            ac.save(c);
            c.putAdam("adam", adam);
            rollouts.save(c);
          });
        run.progress();
      }
    }
    PolicyModel model = ac.model(rollouts, selection.bestStep >= 0, run.provenance());
    return run.result(model);
  }

  /** The loss's coefficients. */
  private record Loss(double clip, double clipVf, double entCoef, double vfCoef) {
    Loss withClip(double c) {
      return new Loss(c, clipVf, entCoef, vfCoef);
    }
  }

  /** One minibatch of the rollout, advantages normalized. */
  private record Minibatch(float[] obs, float[] actions, float[] oldLogProbs, float[] oldValues, float[] adv, float[] ret) {
    static Minibatch of(GaussianRollouts r, float[][] gae, int[] perm, int from, int m) {
      float[] adv = GaussianRollouts.gather(gae[0], 1, perm, from, m);
      Ppo.standardize(adv);
      return new Minibatch(GaussianRollouts.gather(r.obs, r.obsDim, perm, from, m),
          GaussianRollouts.gather(r.actions, r.actDim, perm, from, m), GaussianRollouts.gather(r.logProbs, 1, perm, from, m),
          GaussianRollouts.gather(r.values, 1, perm, from, m), adv, GaussianRollouts.gather(gae[1], 1, perm, from, m));
    }
  }

  /** Gradient of the PPO loss on one minibatch: actor, log-std, then critic parameters. */
  private static float[][] gradient(NDManager manager, Mlp pi, float[] logStd, Mlp v, Minibatch mb, Loss c, UpdateStats stats) {
    int m = mb.adv().length, obsDim = mb.obs().length / m, d = logStd.length;
    try (NDManager sub = manager.newSubManager()) {
      NDList piT = pi.toTensors(sub, true), vT = v.toTensors(sub, true);
      NDArray ls = sub.create(logStd);
      ls.setRequiresGradient(true);
      NDArray x = sub.create(mb.obs(), new Shape(m, obsDim)), a = sub.create(mb.actions(), new Shape(m, d));
      NDArray old = sub.create(mb.oldLogProbs()), advT = sub.create(mb.adv()), retT = sub.create(mb.ret());
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        NDArray logRatio = GaussianRollouts.logProb(pi.forward(piT, x), ls, a).sub(old);
        NDArray ratio = logRatio.exp();
        NDArray surr = ratio.mul(advT).minimum(ratio.clip(1 - c.clip(), 1 + c.clip()).mul(advT));
        NDArray value = v.forward(vT, x).reshape(m);
        if (c.clipVf() > 0) {
          NDArray oldV = sub.create(mb.oldValues());
          value = oldV.add(value.sub(oldV).clip(-c.clipVf(), c.clipVf()));
        }
        NDArray valueLoss = value.sub(retT).square().mean();
        NDArray policyLoss = surr.mean().neg(), entropy = GaussianRollouts.entropy(ls);
        NDArray loss = policyLoss.sub(entropy.mul((float) c.entCoef())).add(valueLoss.mul((float) c.vfCoef()));
        gc.backward(loss);
        stats.minibatch(policyLoss, valueLoss, entropy, logRatio, c.clip());
      }
      return Ppo.concat(Ppo.concat(Mlp.gradients(piT), new float[][] {ls.getGradient().toFloatArray()}), Mlp.gradients(vT));
    }
  }
}

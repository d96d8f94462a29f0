package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Soft Actor-Critic (Haarnoja et al. 2018) as Stable-Baselines3 implements it: a tanh-squashed
 * diagonal Gaussian actor (mean and state-dependent log-std, clamped to [-20, 2]), twin Q critics with
 * Polyak-averaged targets, the clipped double-Q soft target, and automatic entropy tuning toward a
 * target entropy of -dim(A). The exported policy is the squashed mean, rescaled to the action box.
 * Defaults per environment follow RL Zoo's sac.yml.
 */
public final class Sac {
  private Sac() {}

  static final String NAME = "sac";
  /** SB3's clamp of the actor's log standard deviation. */
  static final float LOG_STD_MIN = -20f, LOG_STD_MAX = 2f;

  /** SB3's SAC defaults, then RL Zoo's sac.yml per environment (rl-baselines3-zoo hyperparams/sac.yml). */
  public static Map<String, String> defaults(String envId) {
    Map<String, String> d = OffPolicy.defaults(envId);
    d.put("ent_coef", "1.0");
    d.put("ent_coef_auto", "true");
    d.put("target_update_interval", "1");
    switch (envId) {
      case "Pendulum-v1" -> {
        d.put("n_timesteps", "20000");
        d.put("learning_rate", "1e-3");
        d.put("eval_freq", "2000");
      }
      case "MountainCarContinuous-v0" -> { // Zoo also uses gSDE here, which rl-compress does not implement
        d.put("n_timesteps", "50000");
        d.put("learning_rate", "3e-4");
        d.put("buffer_size", "50000");
        d.put("batch_size", "512");
        d.put("ent_coef", "0.1");
        d.put("ent_coef_auto", "false");
        d.put("train_freq", "32");
        d.put("gradient_steps", "32");
        d.put("gamma", "0.9999");
        d.put("tau", "0.01");
        d.put("learning_starts", "0");
        d.put("net_arch", "64,64");
        d.put("eval_freq", "5000");
      }
      case "LunarLanderContinuous-v3" -> {
        d.put("n_timesteps", "500000");
        d.put("learning_rate", "7.3e-4");
        d.put("batch_size", "256");
        d.put("tau", "0.01");
        d.put("learning_starts", "10000");
        d.put("net_arch", "400,300");
        d.put("eval_freq", "25000");
        d.put("eval_episodes", "20");
      }
      default -> {}
    }
    return d;
  }

  public static List<Hp> schema() {
    List<Hp> s = new java.util.ArrayList<>(OffPolicy.schema());
    s.add(Hp.positive("ent_coef", "entropy coefficient alpha (the initial value when ent_coef_auto)"));
    s.add(Hp.flag("ent_coef_auto", "tune alpha automatically toward the target entropy -dim(A) (SB3's ent_coef=auto)"));
    s.add(Hp.integer("target_update_interval", 1, "gradient steps between soft target updates"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, Sac::train);
  }

  private static TrainResult train(TrainingRun run) {
    VectorEnv env = run.envs(1);
    ActionBox box = ActionBox.of(env.env(0), "SAC");
    return OffPolicy.run(run, env, box, new Learner(run.hp(), env.env(0).observationSpace().flatSize(), box, run.config().seed()));
  }

  private static final class Learner implements OffPolicy.Learner {
    private final ActionBox box;
    private final int d;
    private final double lr, gamma, tau, targetEntropy;
    private final boolean autoAlpha;
    private final int targetInterval;
    // Actor: [mean, log-std] per action dimension. Critics: Q(s, a) on the scaled action. ReLU, PyTorch's default init.
    private final Mlp actor, best;
    private final Mlp[] critics, targets;
    private final float[][] criticParams;
    private final float[] logAlpha;
    private final float[][] alphaParams;
    private final Adam actorAdam, criticAdam, alphaAdam;
    private long updates;

    Learner(Hyperparameters hp, int obsDim, ActionBox box, long seed) {
      this.box = box;
      this.d = box.dim();
      this.lr = hp.dbl("learning_rate");
      this.gamma = hp.dbl("gamma");
      this.tau = hp.dbl("tau");
      this.autoAlpha = hp.bool("ent_coef_auto");
      this.targetEntropy = -d;
      this.targetInterval = hp.integer("target_update_interval");
      int[] hidden = hp.layers("net_arch");
      SplittableRandom init = new SplittableRandom(seed);
      actor = new Mlp(Ppo.sizes(obsDim, hidden, 2 * d), Layer.Activation.Kind.RELU, Double.NaN, init);
      critics = new Mlp[] {
        new Mlp(Ppo.sizes(obsDim + d, hidden, 1), Layer.Activation.Kind.RELU, Double.NaN, init),
        new Mlp(Ppo.sizes(obsDim + d, hidden, 1), Layer.Activation.Kind.RELU, Double.NaN, init)};
      targets = OffPolicy.copies(critics);
      best = actor.copy();
      criticParams = OffPolicy.params(critics);
      logAlpha = new float[] {(float) Math.log(hp.dbl("ent_coef"))};
      alphaParams = new float[][] {logAlpha};
      actorAdam = new Adam(actor.params, 0.9, 0.999, 1e-8);
      criticAdam = new Adam(criticParams, 0.9, 0.999, 1e-8);
      alphaAdam = new Adam(alphaParams, 0.9, 0.999, 1e-8);
    }

    /** A sample of the squashed Gaussian: tanh(mean + std · noise). */
    @Override
    public float[] explore(float[] obs, Rng rng) {
      float[] out = actor.forward(obs), u = new float[d];
      for (int k = 0; k < d; k++) {
        double logStd = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, out[d + k]));
        u[k] = (float) Math.tanh(out[k] + Math.exp(logStd) * rng.nextGaussian());
      }
      return u;
    }

    @Override
    public float[] act(float[] obs) {
      return kind().finish(java.util.Arrays.copyOf(actor.forward(obs), d));
    }

    @Override
    public HeadKind kind() {
      return box.squashed();
    }

    @Override
    public List<Layer> actorLayers(boolean selected) {
      return OffPolicy.firstOutputs(selected ? best : actor, d);
    }

    @Override
    public void keepBest() {
      best.copyFrom(actor);
    }

    /**
     * One SAC step as SB3's: alpha is read before its own update; the critics regress on the soft
     * clipped double-Q target; the actor then minimises {@code alpha log pi - min Q} against the
     * updated critics; alpha follows {@code -(log pi + target entropy)}; targets trail by Polyak averaging.
     */
    @Override
    public void update(NDManager manager, ReplayBuffer.Batch b, Rng rng) {
      int n = b.rewards().length;
      double alpha = Math.exp(logAlpha[0]);
      float[] noisePi = OffPolicy.gaussians(n * d, rng), noiseNext = OffPolicy.gaussians(n * d, rng);
      criticAdam.step(criticParams, criticGradient(manager, b, noiseNext, alpha), lr, 0);
      ActorStep s = actorGradient(manager, b, noisePi, alpha);
      actorAdam.step(actor.params, s.grads(), lr, 0);
      if (autoAlpha) alphaAdam.step(alphaParams, new float[][] {{(float) -(s.meanLogProb() + targetEntropy)}}, lr, 0);
      if (++updates % targetInterval == 0) for (int i = 0; i < critics.length; i++) targets[i].polyak(critics[i], tau);
    }

    private float[][] criticGradient(NDManager manager, ReplayBuffer.Batch b, float[] noiseNext, double alpha) {
      int n = b.rewards().length, obsDim = b.obs().length / n;
      try (NDManager m = manager.newSubManager()) {
        NDArray next = m.create(b.nextObs(), new Shape(n, obsDim));
        NDArray[] sample = squashedSample(actor.forward(actor.toTensors(m, false), next), m.create(noiseNext, new Shape(n, d)));
        NDArray soft = OffPolicy.minQ(m, targets, next, sample[0]).sub(sample[1].mul((float) alpha));
        NDArray y = OffPolicy.tdTarget(m, b, soft, gamma);
        return OffPolicy.criticGradient(m, critics, b, y, 0.5f);
      }
    }

    private record ActorStep(float[][] grads, double meanLogProb) {}

    private ActorStep actorGradient(NDManager manager, ReplayBuffer.Batch b, float[] noise, double alpha) {
      int n = b.rewards().length, obsDim = b.obs().length / n;
      try (NDManager m = manager.newSubManager()) {
        NDList p = actor.toTensors(m, true);
        NDArray obs = m.create(b.obs(), new Shape(n, obsDim)), eps = m.create(noise, new Shape(n, d));
        NDArray logp;
        try (GradientCollector gc = Torch.engine().newGradientCollector()) {
          NDArray[] sample = squashedSample(actor.forward(p, obs), eps);
          logp = sample[1];
          gc.backward(logp.mul((float) alpha).sub(OffPolicy.minQ(m, critics, obs, sample[0])).mean());
        }
        return new ActorStep(Mlp.gradients(p), logp.mean().getFloat());
      }
    }

    /**
     * The reparameterised sample {@code a = tanh(mean + std · eps)} from the actor's output [n, 2d], and
     * its log-probability with the change-of-variables term {@code -Σ log(1 - a² + 1e-6)} (SB3's epsilon).
     */
    private NDArray[] squashedSample(NDArray out, NDArray eps) {
      NDArray mean = out.get(":, :" + d);
      NDArray logStd = out.get(":, " + d + ":").clip(LOG_STD_MIN, LOG_STD_MAX);
      NDArray a = mean.add(logStd.exp().mul(eps)).tanh();
      NDArray gaussian = eps.square().mul(-0.5f).sub(logStd).sub((float) (0.5 * Math.log(2 * Math.PI)));
      NDArray logp = gaussian.sub(a.square().neg().add(1f + 1e-6f).log()).sum(new int[] {1});
      return new NDArray[] {a, logp};
    }

    @Override
    public void save(Checkpoint c) {
      c.putNet("actor", actor);
      c.putNet("best", best);
      OffPolicy.putNets(c, "critic", critics);
      OffPolicy.putNets(c, "target", targets);
      c.putAdam("actorAdam", actorAdam);
      c.putAdam("criticAdam", criticAdam);
      c.putAdam("alphaAdam", alphaAdam);
      c.put("sac.logAlpha", logAlpha);
      c.put("sac.updates", updates);
    }

    @Override
    public void load(Checkpoint c) {
      c.loadNet("actor", actor);
      c.loadNet("best", best);
      OffPolicy.loadNets(c, "critic", critics);
      OffPolicy.loadNets(c, "target", targets);
      c.loadAdam("actorAdam", actorAdam);
      c.loadAdam("criticAdam", criticAdam);
      c.loadAdam("alphaAdam", alphaAdam);
      logAlpha[0] = c.array("sac.logAlpha")[0];
      updates = c.number("sac.updates");
    }
  }
}

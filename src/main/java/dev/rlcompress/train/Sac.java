package dev.rlcompress.train;

import dev.rlcompress.env.VectorEnv;
import java.util.List;
import java.util.SplittableRandom;
import dev.rlcompress.train.nn.Activation;
import dev.rlcompress.train.nn.Adam;
import dev.rlcompress.train.nn.Backprop;
import dev.rlcompress.train.nn.Mlp;
import dev.rlcompress.train.nn.Tape;
import dev.rlcompress.train.nn.WeightInit;

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
    private final int d;
    private final double gamma, tau, targetEntropy;
    private final boolean autoAlpha;
    private final int targetInterval;
    // Actor: [mean, log-std] per action dimension. Critics: Q(s, a) on the scaled action. ReLU, PyTorch's default init.
    private final Mlp actor;
    private final OffPolicy.Critics critics;
    private final float[] logAlpha = new float[1], alphaGrad = new float[1];
    private final Adam actorAdam, alphaAdam;
    private final float[] noise, act, logp, y, dOut;
    private final Tape nextTape;
    private long updates;

    Learner(Hyperparameters hp, int obsDim, ActionBox box, long seed) {
      this.d = box.dim();
      double lr = hp.dbl("learning_rate");
      this.gamma = hp.dbl("gamma");
      this.tau = hp.dbl("tau");
      this.autoAlpha = hp.bool("ent_coef_auto");
      this.targetEntropy = -d;
      this.targetInterval = hp.integer("target_update_interval");
      int[] hidden = hp.layers("net_arch");
      int batch = hp.integer("batch_size");
      SplittableRandom init = new SplittableRandom(seed);
      actor = Mlp.of(Ppo.sizes(obsDim, hidden, 2 * d), Activation.RELU, WeightInit.TORCH_DEFAULT, init);
      critics = new OffPolicy.Critics(2, obsDim, d, hidden, lr, batch, init);
      logAlpha[0] = (float) Math.log(hp.dbl("ent_coef"));
      Adam.Settings adam = new Adam.Settings(lr, 0.9, 0.999, 1e-8, 0);
      actorAdam = new Adam(adam, actor);
      alphaAdam = new Adam(adam, new float[][] {logAlpha}, new float[][] {alphaGrad});
      noise = new float[batch * d];
      act = new float[batch * d];
      logp = new float[batch];
      y = new float[batch];
      dOut = new float[batch * 2 * d];
      nextTape = actor.newTape(batch);
    }

    /** Mean and log-std per action dimension; the loop acts with and exports the mean. */
    @Override
    public Mlp actor() {
      return actor;
    }

    /** A sample of the squashed Gaussian: tanh(mean + std · noise). */
    @Override
    public float[] explore(float[] obs, Rng rng) {
      float[] out = actor.forward(obs, 1).output(), u = new float[d];
      for (int k = 0; k < d; k++) {
        double logStd = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, out[d + k]));
        u[k] = (float) Math.tanh(out[k] + Math.exp(logStd) * rng.nextGaussian());
      }
      return u;
    }

    /**
     * One SAC step as SB3's: alpha is read before its own update; the critics regress on the soft
     * clipped double-Q target; the actor then minimises {@code alpha log pi - min Q} against the
     * updated critics; alpha follows {@code -(log pi + target entropy)}; targets trail by Polyak averaging.
     */
    @Override
    public void update(ReplayBuffer.Batch b, Rng rng) {
      int n = b.rewards().length;
      double alpha = Math.exp(logAlpha[0]);
      OffPolicy.gaussians(noise, rng); // the actor step's noise, drawn first as before
      float[] noisePi = noise.clone();
      OffPolicy.gaussians(noise, rng);

      // Critics: y = r + γ (1 - done) (min Q̄(s', a') - α log π(a'|s')), a' sampled from the current actor.
      squashedSample(actor.forward(b.nextObs(), nextTape).output(), noise, n);
      float[] q = critics.minTarget(b.nextObs(), act, n);
      for (int r = 0; r < n; r++)
        y[r] = (float) (b.rewards()[r] + (1 - b.terminated()[r]) * gamma * (q[r] - alpha * logp[r]));
      critics.regress(b.obs(), b.actions(), y, n, 0.5);

      // Actor: minimise mean(α log π(a|s) - min Q(s, a)) through the reparameterised sample.
      Tape t = actor.forward(b.obs(), n);
      float[] out = t.output();
      squashedSample(out, noisePi, n);
      float[] dA = critics.actionGradient(b.obs(), act, n, 2, -1.0);
      double meanLogp = 0;
      for (int r = 0; r < n; r++) {
        meanLogp += logp[r] / n;
        for (int k = 0; k < d; k++) {
          int i = r * d + k, o = r * 2 * d;
          float a = act[i];
          double da = dA[i] + alpha / n * 2 * a / (1 - a * a + 1e-6); // d(α log π)/da from -Σ log(1 - a² + ε)
          double du = da * (1 - a * a);
          double raw = out[o + d + k];
          boolean inside = raw > LOG_STD_MIN && raw < LOG_STD_MAX;
          double std = Math.exp(Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, raw)));
          dOut[o + k] = (float) du;
          dOut[o + d + k] = inside ? (float) (du * std * noisePi[i] - alpha / n) : 0f; // u = mean + std·ε, and -log std in log π
        }
      }
      actor.backward(t, dOut, Backprop.PARAMS);
      actorAdam.step();
      if (autoAlpha) {
        alphaGrad[0] = (float) -(meanLogp + targetEntropy);
        alphaAdam.step();
      }
      if (++updates % targetInterval == 0) critics.polyak(tau);
    }

    /**
     * Fills {@link #act} with the reparameterised sample {@code a = tanh(mean + std · eps)} from the
     * actor's output [n, 2d] and {@link #logp} with its log-probability, change of variables included:
     * {@code -Σ log(1 - a² + 1e-6)} (SB3's epsilon).
     */
    private void squashedSample(float[] out, float[] eps, int n) {
      double half = 0.5 * Math.log(2 * Math.PI);
      for (int r = 0; r < n; r++) {
        double lp = 0;
        for (int k = 0; k < d; k++) {
          int i = r * d + k, o = r * 2 * d;
          double logStd = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, out[o + d + k]));
          float a = (float) Math.tanh(out[o + k] + Math.exp(logStd) * eps[i]);
          act[i] = a;
          lp += -0.5 * eps[i] * eps[i] - logStd - half - Math.log(1 - a * a + 1e-6);
        }
        logp[r] = (float) lp;
      }
    }

    @Override
    public void keep(Checkpoint.Io io) {
      io.net("actor", actor);
      critics.keep(io);
      io.adam("actorAdam", actorAdam);
      io.adam("alphaAdam", alphaAdam);
      io.array("sac.logAlpha", logAlpha);
      updates = io.number("sac.updates", updates);
    }
  }
}

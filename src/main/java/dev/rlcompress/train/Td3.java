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
 * Twin Delayed DDPG (Fujimoto et al. 2018) as Stable-Baselines3 implements it: a deterministic tanh
 * actor explored with Gaussian action noise, clipped double-Q learning over twin critics, target
 * policy smoothing (clipped noise on the target action) and delayed actor and target updates. DDPG
 * ({@link Ddpg}) is this algorithm with one critic, no smoothing and no delay, as in SB3. Defaults per
 * environment follow RL Zoo's td3.yml.
 */
public final class Td3 {
  private Td3() {}

  static final String NAME = "td3";

  /** What separates TD3 from DDPG. */
  record Variant(int critics, int policyDelay, double targetNoise, double targetNoiseClip) {}

  public static List<Hp> schema() {
    List<Hp> s = deterministicSchema();
    s.add(Hp.integer("policy_delay", 1, "critic updates per actor and target update"));
    s.add(Hp.nonNegative("target_policy_noise", "std of the smoothing noise on target actions (scaled units)"));
    s.add(Hp.nonNegative("target_noise_clip", "clip of the target smoothing noise"));
    return s;
  }

  static List<Hp> deterministicSchema() {
    List<Hp> s = new java.util.ArrayList<>(OffPolicy.schema());
    s.add(Hp.nonNegative("noise_std", "std of the Gaussian exploration noise in scaled action units ([-1, 1])"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, run -> train(run,
        new Variant(2, run.hp().integer("policy_delay"), run.hp().dbl("target_policy_noise"), run.hp().dbl("target_noise_clip"))));
  }

  static TrainResult train(TrainingRun run, Variant variant) {
    VectorEnv env = run.envs(1);
    ActionBox box = ActionBox.of(env.env(0), variant.critics() == 1 ? "DDPG" : "TD3");
    return OffPolicy.run(run, env, box,
        new Learner(run.hp(), variant, env.env(0).observationSpace().flatSize(), box, run.config().seed()));
  }

  private static final class Learner implements OffPolicy.Learner {
    private final Variant variant;
    private final int d, obsDim;
    private final double gamma, tau, noiseStd;
    // Actor: pre-tanh action. Critics: Q(s, a) on the scaled action. ReLU, PyTorch's default init.
    private final Mlp actor, actorTarget;
    private final OffPolicy.Critics critics;
    private final Adam actorAdam;
    private final float[] nextAct, y, act, dz;
    private long updates;

    Learner(Hyperparameters hp, Variant variant, int obsDim, ActionBox box, long seed) {
      this.variant = variant;
      this.d = box.dim();
      this.obsDim = obsDim;
      double lr = hp.dbl("learning_rate");
      this.gamma = hp.dbl("gamma");
      this.tau = hp.dbl("tau");
      this.noiseStd = hp.dbl("noise_std");
      int[] hidden = hp.layers("net_arch");
      int batch = hp.integer("batch_size");
      SplittableRandom init = new SplittableRandom(seed);
      actor = Mlp.of(Ppo.sizes(obsDim, hidden, d), Activation.RELU, WeightInit.TORCH_DEFAULT, init);
      critics = new OffPolicy.Critics(variant.critics(), obsDim, d, hidden, lr, batch, init);
      actorTarget = actor.copy();
      actorAdam = new Adam(new Adam.Settings(lr, 0.9, 0.999, 1e-8, 0), actor);
      nextAct = new float[batch * d];
      y = new float[batch];
      act = new float[batch * d];
      dz = new float[batch * d];
    }

    /** The pre-tanh action; the loop squashes it to act and exports it whole. */
    @Override
    public Mlp actor() {
      return actor;
    }

    /** The actor's action plus Gaussian noise, clipped to [-1, 1] (SB3 adds the noise in the scaled space). */
    @Override
    public float[] explore(float[] obs, Rng rng) {
      float[] u = actor.forward(obs, 1).output().clone();
      for (int k = 0; k < d; k++) u[k] = (float) Math.max(-1, Math.min(1, Math.tanh(u[k]) + noiseStd * rng.nextGaussian()));
      return u;
    }

    /**
     * One TD3 step as SB3's: the critics regress on {@code r + γ min_i Q̄_i(s', clip(tanh μ̄(s') + ε))} with
     * clipped target noise ε; every policy_delay-th step the actor ascends Q_1(s, tanh μ(s)) and all
     * targets trail by Polyak averaging.
     */
    @Override
    public void update(ReplayBuffer.Batch b, Rng rng) {
      int n = b.rewards().length;
      updates++;
      float[] mu = actorTarget.forward(b.nextObs(), n).output();
      for (int i = 0; i < n * d; i++) {
        double eps = variant.targetNoise() > 0
            ? Math.max(-variant.targetNoiseClip(), Math.min(variant.targetNoiseClip(), variant.targetNoise() * rng.nextGaussian()))
            : 0;
        nextAct[i] = (float) Math.max(-1, Math.min(1, Math.tanh(mu[i]) + eps));
      }
      float[] q = critics.minTarget(b.nextObs(), nextAct, n);
      for (int r = 0; r < n; r++) y[r] = (float) (b.rewards()[r] + (1 - b.terminated()[r]) * gamma * q[r]);
      critics.regress(b.obs(), b.actions(), y, n, 1.0);
      if (updates % variant.policyDelay() == 0) {
        Tape t = actor.forward(b.obs(), n);
        float[] z = t.output();
        for (int i = 0; i < n * d; i++) act[i] = (float) Math.tanh(z[i]);
        float[] da = critics.actionGradient(b.obs(), act, n, 1, -1.0); // maximise Q_1
        for (int i = 0; i < n * d; i++) dz[i] = da[i] * (1 - act[i] * act[i]);
        actor.backward(t, dz, Backprop.PARAMS);
        actorAdam.step();
        critics.polyak(tau);
        actorTarget.softUpdateFrom(actor, tau);
      }
    }

    @Override
    public void keep(Checkpoint.Io io) {
      io.net("actor", actor);
      io.net("actorTarget", actorTarget);
      critics.keep(io);
      io.adam("actorAdam", actorAdam);
      updates = io.number("td3.updates", updates);
    }
  }
}

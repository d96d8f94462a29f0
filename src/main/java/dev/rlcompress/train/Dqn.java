package dev.rlcompress.train;

import dev.rlcompress.env.Space;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.train.nn.Activation;
import dev.rlcompress.train.nn.Adam;
import dev.rlcompress.train.nn.Backprop;
import dev.rlcompress.train.nn.Mlp;
import dev.rlcompress.train.nn.Params;
import dev.rlcompress.train.nn.Tape;
import dev.rlcompress.train.nn.WeightInit;
import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deep Q-Network (Mnih et al. 2015) with the details of Stable-Baselines3's implementation: replay
 * buffer, target network refreshed every {@code target_update_interval} environment steps, linear
 * epsilon-greedy schedule, Huber loss, global gradient-norm clipping, optional double DQN (van Hasselt
 * et al. 2016). Defaults per environment follow RL Zoo's tuned dqn.yml.
 */
public final class Dqn {
  private Dqn() {}

  /** The hyperparameters DQN takes, with their domains (checked before any work starts). */
  public static List<Hp> schema() {
    List<Hp> s = new java.util.ArrayList<>(Hp.common());
    s.add(Hp.integer("buffer_size", 1, "replay buffer capacity (transitions)"));
    s.add(Hp.count("learning_starts", 0, "steps of random-policy experience before learning"));
    s.add(Hp.integer("batch_size", 1, "minibatch size"));
    s.add(Hp.integer("train_freq", 1, "environment steps between learning phases"));
    s.add(new Hp("gradient_steps", new Hp.Int(1, Integer.MAX_VALUE, -1L), "updates per learning phase (-1: as many as train_freq)"));
    s.add(Hp.count("target_update_interval", 1, "environment steps between target-network refreshes"));
    s.add(Hp.fraction("exploration_fraction", "fraction of the run over which epsilon decays"));
    s.add(Hp.fraction("exploration_initial_eps", "initial epsilon"));
    s.add(Hp.fraction("exploration_final_eps", "final epsilon"));
    s.add(Hp.positive("max_grad_norm", "global gradient-norm clipping threshold"));
    s.add(Hp.flag("double_dqn", "double DQN targets (van Hasselt et al. 2016)"));
    return s;
  }

  static final String NAME = "dqn";

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, Dqn::train);
  }

  /** Relations between hyperparameters, checked with their domains before any work. */
  static void checkRelations(Hyperparameters hp) {
    hp.require(hp.integer("batch_size") <= hp.integer("buffer_size"), "batch_size must not exceed buffer_size");
  }

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    VectorEnv env = run.envs(1);
    if (!(env.env(0).actionSpace() instanceof Space.Discrete actions))
      throw new UserError("DQN needs a discrete action space; " + run.config().envId() + " is continuous");
    long total = run.total();
    int obsDim = env.env(0).observationSpace().flatSize();
    int nActions = actions.n();
    double gamma = hp.dbl("gamma");
    int batchSize = hp.integer("batch_size");
    int trainFreq = hp.integer("train_freq");
    int gradientSteps = hp.integer("gradient_steps") < 0 ? trainFreq : hp.integer("gradient_steps");
    long learningStarts = hp.lng("learning_starts");
    long targetUpdate = hp.lng("target_update_interval");
    double lr = hp.dbl("learning_rate"), maxGradNorm = hp.dbl("max_grad_norm");
    double epsStart = hp.dbl("exploration_initial_eps"), epsEnd = hp.dbl("exploration_final_eps");
    double epsSteps = hp.dbl("exploration_fraction") * total;
    boolean doubleDqn = hp.bool("double_dqn");

    // Networks: online Q and its target copy (PyTorch's default Linear init, as SB3's QNetwork uses),
    // initialised from a generator seeded with the run's seed (what Algorithms.initialPolicy rebuilds).
    // Forward, backward and Adam run in the Java Vector-API kernels (train.nn): deterministic, so a
    // resumed run reproduces an uninterrupted one bit for bit, and several times faster than DJL here.
    int[] sizes = Ppo.sizes(obsDim, hp.layers("net_arch"), nActions);
    Mlp q = Mlp.of(sizes, Activation.RELU, WeightInit.TORCH_DEFAULT, new SplittableRandom(run.config().seed()));
    Mlp target = q.copy();
    Mlp best = q.copy();
    Adam adam = new Adam(new Adam.Settings(lr, 0.9, 0.999, 1e-8, 0), q);
    ReplayBuffer buffer = new ReplayBuffer(hp.integer("buffer_size"), obsDim);
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      resumed.loadNet("q", q);
      resumed.loadNet("target", target);
      resumed.loadNet("best", best);
      resumed.loadAdam("adam", adam);
      buffer.load(resumed);
    }

    Rng rng = run.rng();
    Selection selection = run.selection();
    Update update = new Update(q, target, adam, batchSize, nActions, gamma, doubleDqn, maxGradNorm);
    int[] a = new int[1];
    while (run.step() < total) {
      // 1. Act epsilon-greedily with the online network.
      long step = run.step();
      float[] obs = env.observations()[0];
      double eps = step < epsSteps ? epsStart + (epsEnd - epsStart) * step / epsSteps : epsEnd;
      a[0] = rng.nextDouble() < eps ? rng.nextInt(nActions) : Actions.argmax(q.forward(obs, 1).output());
      env.step(a);
      float[] next = env.episodeEnded(0) ? env.finalObservation(0) : env.observations()[0];
      buffer.add(obs, a[0], env.reward(0), next, env.terminated(0));
      if (env.episodeEnded(0)) run.episodeFinished(env.lastReturn(0));
      run.advance(1);
      step++;

      // 2. Learn: every train_freq steps, gradient_steps minibatch updates.
      if (step > learningStarts && step % trainFreq == 0 && buffer.size >= batchSize)
        for (int g = 0; g < gradientSteps; g++) update.apply(buffer.sample(batchSize, rng));
      // 3. Refresh the target network.
      if (step % targetUpdate == 0) target.copyFrom(q);

      // 4. Periodic greedy evaluation keeps the best weights; periodic checkpoints bound lost work.
      if (selection.due(step) && selection.evaluate(step, new HeadKind.QValues(), x -> q.forward(x, 1).output().clone()))
        best.copyFrom(q);
      if (run.checkpointDue(1))
        run.checkpoint(c -> {
          c.putNet("q", q);
          c.putNet("target", target);
          c.putNet("best", best);
          c.putAdam("adam", adam);
          buffer.save(c);
        });
      if (step % 500 == 0 || step == total) run.progress();
    }
    Mlp chosen = selection.bestStep >= 0 ? best : q;
    PolicyModel model = new PolicyModel(new int[] {obsDim}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), chosen.toLayers())), run.provenance());
    return run.result(model);
  }

  /**
   * One minibatch update of the Huber TD loss (SB3's smooth L1), targets from the frozen target network
   * (double DQN: the online network picks the next action, the target network values it), gradients
   * clipped to a global norm, then Adam. Buffers are sized once; the update allocates nothing.
   */
  private static final class Update {
    private final Mlp q, target;
    private final Adam adam;
    private final int nActions;
    private final double gamma, maxGradNorm;
    private final boolean doubleDqn;
    private final Tape onlineNext;
    private final float[] y, dOut;

    Update(Mlp q, Mlp target, Adam adam, int batch, int nActions, double gamma, boolean doubleDqn, double maxGradNorm) {
      this.q = q;
      this.target = target;
      this.adam = adam;
      this.nActions = nActions;
      this.gamma = gamma;
      this.doubleDqn = doubleDqn;
      this.maxGradNorm = maxGradNorm;
      this.onlineNext = q.newTape(batch);
      this.y = new float[batch];
      this.dOut = new float[batch * nActions];
    }

    void apply(ReplayBuffer.Batch b) {
      int n = b.rewards().length;
      float[] nextTarget = target.forward(b.nextObs(), n).output();
      float[] nextOnline = doubleDqn ? q.forward(b.nextObs(), onlineNext).output() : null;
      for (int i = 0; i < n; i++) {
        int o = i * nActions;
        float v;
        if (doubleDqn) {
          int best = 0;
          for (int k = 1; k < nActions; k++) if (nextOnline[o + k] > nextOnline[o + best]) best = k;
          v = nextTarget[o + best];
        } else {
          v = nextTarget[o];
          for (int k = 1; k < nActions; k++) v = Math.max(v, nextTarget[o + k]);
        }
        y[i] = (float) (b.rewards()[i] + (1 - b.terminated()[i]) * gamma * v);
      }
      Tape t = q.forward(b.obs(), n);
      float[] out = t.output();
      java.util.Arrays.fill(dOut, 0f);
      for (int i = 0; i < n; i++) {
        int k = i * nActions + b.action(i);
        float err = out[k] - y[i];
        dOut[k] = Math.max(-1f, Math.min(1f, err)) / n; // d/dx of mean Huber (delta 1)
      }
      q.backward(t, dOut, Backprop.PARAMS);
      Params.clipGradNorm(maxGradNorm, q.grads());
      adam.step(); // refuses a non-finite gradient before touching the weights
    }
  }
}

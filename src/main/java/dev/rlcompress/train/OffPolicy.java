package dev.rlcompress.train;

import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import dev.rlcompress.train.nn.Activation;
import dev.rlcompress.train.nn.Adam;
import dev.rlcompress.train.nn.Backprop;
import dev.rlcompress.train.nn.Mlp;
import dev.rlcompress.train.nn.Tape;
import dev.rlcompress.train.nn.WeightInit;

/**
 * The loop SAC, TD3 and DDPG share, as Stable-Baselines3's OffPolicyAlgorithm: one environment;
 * uniformly random actions until {@code learning_starts}, then the learner's exploration; every
 * transition into the replay buffer with its action in the [-1, 1] scaling of {@link ActionBox};
 * every {@code train_freq} steps {@code gradient_steps} updates on uniform minibatches; periodic
 * deterministic evaluation of the actor's first {@code dim(A)} outputs, squashed, keeps the best
 * actor; checkpoints hold everything, the buffer included. The algorithm classes hold only their
 * networks and losses ({@link Learner}); acting, evaluation, the best snapshot and export are the same
 * for all three and written here once.
 */
final class OffPolicy {
  private OffPolicy() {}

  /** What an off-policy algorithm contributes to the loop. */
  interface Learner {
    /** The exploration action for a raw observation, scaled to [-1, 1]. */
    float[] explore(float[] obs, Rng rng);

    /** One gradient step on a minibatch. */
    void update(ReplayBuffer.Batch batch, Rng rng);

    /**
     * The actor being trained. Its first {@code dim(A)} outputs, through {@code tanh} and the action
     * box, are the deterministic action (TD3's whole output; SAC's mean beside its log-std).
     */
    Mlp actor();

    /** Saves or restores everything but the best actor and the buffer, which the loop keeps. */
    void keep(Checkpoint.Io io);
  }

  /** The hyperparameters every off-policy learner takes. */
  static List<Hp> schema() {
    List<Hp> s = new ArrayList<>(Hp.common());
    s.add(Hp.integer("buffer_size", 1, "replay buffer capacity (transitions)"));
    s.add(Hp.integer("learning_starts", 0, "steps of uniformly random actions before learning"));
    s.add(Hp.integer("batch_size", 1, "minibatch size"));
    s.add(new Hp("tau", new Hp.Real(0, true, 1), "soft (Polyak) target update coefficient"));
    s.add(Hp.integer("train_freq", 1, "environment steps between learning phases"));
    s.add(new Hp("gradient_steps", new Hp.Int(1, Long.MAX_VALUE, -1L), "updates per learning phase (-1: as many as train_freq)"));
    return s;
  }

  /** Relations between the hyperparameters, checked before any work. */
  static void checkRelations(Hyperparameters hp) {
    hp.require(hp.integer("batch_size") <= hp.integer("buffer_size"), "batch_size must not exceed buffer_size");
  }

  static TrainResult run(TrainingRun run, VectorEnv env, ActionBox box, Learner learner) {
    Hyperparameters hp = run.hp();
    long total = run.total(), learningStarts = hp.lng("learning_starts");
    int obsDim = env.env(0).observationSpace().flatSize(), batchSize = hp.integer("batch_size");
    int trainFreq = hp.integer("train_freq");
    int gradientSteps = hp.integer("gradient_steps") < 0 ? trainFreq : hp.integer("gradient_steps");
    ReplayBuffer buffer = new ReplayBuffer(hp.integer("buffer_size"), obsDim, box.dim());
    Mlp actor = learner.actor(), best = actor.copy();
    HeadKind kind = box.squashed();
    Function<float[], float[]> act = o -> kind.finish(Arrays.copyOf(actor.forward(o, 1).output(), box.dim()));
    if (run.resumed() != null) {
      learner.keep(Checkpoint.Io.loading(run.resumed()));
      run.resumed().loadNet("best", best);
      buffer.load(run.resumed());
    }
    Rng rng = run.rng();
    Selection selection = run.selection();
    {
      while (run.step() < total) {
        // 1. Act: random before learning starts, then the learner's exploration; store the scaled action.
        long step = run.step();
        float[] obs = env.observations()[0];
        float[] u = step < learningStarts ? box.uniform(rng) : learner.explore(obs, rng);
        env.step(new float[][] {box.toEnv(u)});
        float[] next = env.episodeEnded(0) ? env.finalObservation(0) : env.observations()[0];
        buffer.add(obs, u, env.reward(0), next, env.terminated(0));
        if (env.episodeEnded(0)) run.episodeFinished(env.lastReturn(0));
        run.advance(1);
        step++;

        // 2. Learn.
        if (step > learningStarts && step % trainFreq == 0 && buffer.size >= batchSize)
          for (int g = 0; g < gradientSteps; g++) learner.update(buffer.sample(batchSize, rng), rng);

        // 3. Periodic deterministic evaluation keeps the best actor; checkpoints bound lost work.
        if (selection.due(step) && selection.evaluate(step, kind, act)) best.copyFrom(actor);
        if (run.checkpointDue(1))
          run.checkpoint(c -> {
            learner.keep(Checkpoint.Io.saving(c));
            c.putNet("best", best);
            buffer.save(c);
          });
        if (step % 500 == 0 || step == total) run.progress();
      }
    }
    Head pi = new Head("pi", kind, firstOutputs((selection.bestStep >= 0 ? best : actor).toLayers(), box.dim()));
    return run.result(new PolicyModel(new int[] {obsDim}, null, List.of(), List.of(pi), run.provenance()));
  }

  // ---- The critics every off-policy learner has, on the Java Vector-API kernels (train.nn). ----

  /**
   * Q-networks on [observation | scaled action] with their Polyak targets and one Adam over all of them
   * (SB3 has one critic optimizer): the regression step, the clipped double-Q target and the gradient
   * of min Q with respect to the action that actor updates follow. Scratch buffers are sized once for
   * the batch, so a step allocates nothing.
   */
  static final class Critics {
    final Mlp[] nets, targets;
    private final Adam adam;
    private final int obsDim, d, batch;
    private final float[] in, minQ, dIn, dAct;
    private final float[][] dOut, dPick;
    private final Tape[] tapes;
    private final int[] argMin;

    Critics(int count, int obsDim, int d, int[] hidden, double lr, int batch, SplittableRandom init) {
      this.obsDim = obsDim;
      this.d = d;
      this.batch = batch;
      nets = new Mlp[count];
      for (int i = 0; i < count; i++)
        nets[i] = Mlp.of(Ppo.sizes(obsDim + d, hidden, 1), Activation.RELU, WeightInit.TORCH_DEFAULT, init);
      targets = new Mlp[count];
      for (int i = 0; i < count; i++) targets[i] = nets[i].copy();
      adam = new Adam(new Adam.Settings(lr, 0.9, 0.999, 1e-8, 0), nets);
      in = new float[batch * (obsDim + d)];
      minQ = new float[batch];
      dIn = new float[batch * (obsDim + d)];
      dAct = new float[batch * d];
      dOut = new float[count][batch];
      dPick = new float[count][batch];
      tapes = new Tape[count];
      argMin = new int[batch];
    }

    private float[] input(float[] obs, float[] act, int n) {
      int w = obsDim + d;
      for (int r = 0; r < n; r++) {
        System.arraycopy(obs, r * obsDim, in, r * w, obsDim);
        System.arraycopy(act, r * d, in, r * w + obsDim, d);
      }
      return in;
    }

    /** min over the target critics of Q̄(obs, act), per row (scratch: valid until the next call). */
    float[] minTarget(float[] obs, float[] act, int n) {
      float[] x = input(obs, act, n);
      for (int i = 0; i < targets.length; i++) {
        float[] q = targets[i].forward(x, n).output();
        for (int r = 0; r < n; r++) if (i == 0 || q[r] < minQ[r]) minQ[r] = q[r];
      }
      return minQ;
    }

    /** One Adam step on {@code coef · Σ_i mean((Q_i(obs, act) - y)²)}. */
    void regress(float[] obs, float[] act, float[] y, int n, double coef) {
      float[] x = input(obs, act, n);
      for (int i = 0; i < nets.length; i++) {
        Tape t = nets[i].forward(x, n);
        float[] q = t.output();
        for (int r = 0; r < n; r++) dOut[i][r] = (float) (2 * coef * (q[r] - y[r]) / n);
        nets[i].backward(t, n == batch ? dOut[i] : java.util.Arrays.copyOf(dOut[i], n), Backprop.PARAMS);
      }
      adam.step(); // refuses a non-finite gradient before touching the weights
    }

    /**
     * Gradient with respect to {@code act} of {@code scale · mean_r min_{i < use} Q_i(obs_r, act_r)}, per row
     * (scratch); the critics' own gradients are untouched. {@code use} = 1 takes Q_1 alone (TD3's actor).
     */
    float[] actionGradient(float[] obs, float[] act, int n, int use, double scale) {
      float[] x = input(obs, act, n);
      for (int i = 0; i < use; i++) {
        tapes[i] = nets[i].forward(x, n);
        float[] q = tapes[i].output();
        for (int r = 0; r < n; r++)
          if (i == 0 || q[r] < minQ[r]) {
            minQ[r] = q[r];
            argMin[r] = i;
          }
      }
      java.util.Arrays.fill(dAct, 0, n * d, 0f);
      int w = obsDim + d;
      for (int i = 0; i < use; i++) {
        float[] g = n == batch ? dPick[i] : new float[n];
        for (int r = 0; r < n; r++) g[r] = argMin[r] == i ? (float) (scale / n) : 0f;
        float[] gin = nets[i].backward(tapes[i], g, Backprop.INPUT);
        for (int r = 0; r < n; r++) for (int k = 0; k < d; k++) dAct[r * d + k] += gin[r * w + obsDim + k];
      }
      return dAct;
    }

    /** The value of min Q from the last {@link #actionGradient} call, per row. */
    float[] lastMin() {
      return minQ;
    }

    void polyak(double tau) {
      for (int i = 0; i < nets.length; i++) targets[i].softUpdateFrom(nets[i], tau);
    }

    void keep(Checkpoint.Io io) {
      for (int i = 0; i < nets.length; i++) {
        io.net("critic" + i, nets[i]);
        io.net("target" + i, targets[i]);
      }
      io.adam("criticAdam", adam);
    }
  }

  /** {@code n} standard-normal draws from the run's stream (noise enters the tensors from Java, reproducibly). */
  static float[] gaussians(float[] into, Rng rng) {
    for (int i = 0; i < into.length; i++) into[i] = (float) rng.nextGaussian();
    return into;
  }

  /**
   * The first {@code rows} outputs of an MLP as model layers (SAC's mean out of its mean-and-log-std
   * output; all of TD3's, copied).
   */
  static List<Layer> firstOutputs(List<Layer> layers, int rows) {
    List<Layer> ls = new ArrayList<>(layers);
    Layer.Linear last = (Layer.Linear) ls.get(ls.size() - 1);
    ls.set(ls.size() - 1, new Layer.Linear(last.in(), rows, java.util.Arrays.copyOf(last.weight(), rows * last.in()),
        java.util.Arrays.copyOf(last.bias(), rows)));
    return ls;
  }
}

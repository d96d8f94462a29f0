package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop SAC, TD3 and DDPG share, as Stable-Baselines3's OffPolicyAlgorithm: one environment;
 * uniformly random actions until {@code learning_starts}, then the learner's exploration; every
 * transition into the replay buffer with its action in the [-1, 1] scaling of {@link ActionBox};
 * every {@code train_freq} steps {@code gradient_steps} updates on uniform minibatches; periodic
 * deterministic evaluation keeps the best actor; checkpoints hold everything, the buffer included. The
 * algorithm classes hold only their networks and losses ({@link Learner}).
 */
final class OffPolicy {
  private OffPolicy() {}

  /** What an off-policy algorithm contributes to the loop. */
  interface Learner {
    /** The exploration action for a raw observation, scaled to [-1, 1]. */
    float[] explore(float[] obs, Rng rng);

    /** One gradient step on a minibatch. */
    void update(NDManager manager, ReplayBuffer.Batch batch, Rng rng);

    /** The deterministic action the environment receives (the exported head's output). */
    float[] act(float[] obs);

    /** The kind of the exported actor head. */
    HeadKind kind();

    /** The exported actor head's layers: the current actor, or the snapshot {@link #keepBest} took. */
    List<Layer> actorLayers(boolean best);

    /** Snapshots the current actor as the best so far. */
    void keepBest();

    void save(Checkpoint c);

    void load(Checkpoint c);
  }

  /** The MuJoCo locomotion tasks RL Zoo trains SAC, TD3 and DDPG on with 10,000 random steps first. */
  static final java.util.Set<String> MUJOCO = java.util.Set.of("Hopper-v4", "HalfCheetah-v4", "Walker2d-v4", "Ant-v4",
      "Humanoid-v4");

  /** SB3's off-policy defaults (and RL Zoo's MuJoCo values), before an algorithm's and RL Zoo's per-environment values. */
  static Map<String, String> defaults(String envId) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("n_timesteps", "1000000");
    d.put("net_arch", "256,256");
    d.put("learning_rate", "3e-4");
    d.put("gamma", "0.99");
    d.put("buffer_size", "1000000");
    d.put("learning_starts", "100");
    d.put("batch_size", "256");
    d.put("tau", "0.005");
    d.put("train_freq", "1");
    d.put("gradient_steps", "1");
    d.put("eval_freq", "10000");
    d.put("eval_episodes", "10");
    d.put("checkpoint_freq", "50000");
    if (MUJOCO.contains(envId)) {
      d.put("learning_starts", "10000");
      d.put("eval_freq", "25000");
    }
    return d;
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
    if (run.resumed() != null) {
      learner.load(run.resumed());
      buffer.load(run.resumed());
    }
    Rng rng = run.rng();
    Selection selection = run.selection();
    try (NDManager manager = Torch.newManager()) {
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
          for (int g = 0; g < gradientSteps; g++) learner.update(manager, buffer.sample(batchSize, rng), rng);

        // 3. Periodic deterministic evaluation keeps the best actor; checkpoints bound lost work.
        if (selection.due(step) && selection.evaluate(step, learner.kind(), learner::act)) learner.keepBest();
        if (run.checkpointDue(1))
          run.checkpoint(c -> {
            learner.save(c);
            buffer.save(c);
          });
        if (step % 500 == 0 || step == total) run.progress();
      }
    }
    Head actor = new Head("pi", learner.kind(), learner.actorLayers(selection.bestStep >= 0));
    return run.result(new PolicyModel(new int[] {obsDim}, null, List.of(), List.of(actor), run.provenance()));
  }

  // ---- Pieces of the critic losses the learners share (DJL tensors; swap here for another backend). ----

  /** Q-network input: observations and scaled actions side by side, [n, obs + act]. */
  static NDArray criticInput(NDArray obs, NDArray act) {
    return obs.concat(act, 1);
  }

  /** min over {@code critics} of Q(obs, act), shape [n]; no gradient to the critics (it may flow into act). */
  static NDArray minQ(NDManager m, Mlp[] critics, NDArray obs, NDArray act) {
    NDArray in = criticInput(obs, act), q = null;
    for (Mlp c : critics) {
      NDArray qi = c.forward(c.toTensors(m, false), in).reshape(-1);
      q = q == null ? qi : q.minimum(qi);
    }
    return q;
  }

  /** TD target {@code r + gamma (1 - terminated) next}, shape [n]. */
  static NDArray tdTarget(NDManager m, ReplayBuffer.Batch b, NDArray next, double gamma) {
    NDArray notDone = m.create(b.terminated()).neg().add(1f);
    return m.create(b.rewards()).add(notDone.mul(next).mul((float) gamma));
  }

  /** Gradient of {@code coef · Σ_i mean((Q_i(s, a) - y)²)} for every critic's parameters, in order. */
  static float[][] criticGradient(NDManager m, Mlp[] critics, ReplayBuffer.Batch b, NDArray y, float coef) {
    int n = b.rewards().length, obsDim = b.obs().length / n, actDim = b.actions().length / n;
    NDArray in = criticInput(m.create(b.obs(), new Shape(n, obsDim)), m.create(b.actions(), new Shape(n, actDim)));
    NDList[] ts = new NDList[critics.length];
    for (int i = 0; i < critics.length; i++) ts[i] = critics[i].toTensors(m, true);
    try (GradientCollector gc = Torch.engine().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < critics.length; i++) {
        NDArray l = critics[i].forward(ts[i], in).reshape(-1).sub(y).square().mean();
        loss = loss == null ? l : loss.add(l);
      }
      gc.backward(loss.mul(coef));
    }
    float[][] g = new float[0][];
    for (NDList t : ts) g = Ppo.concat(g, Mlp.gradients(t));
    return g;
  }

  /** Every critic's parameter arrays, in order: what one Adam updates (SB3 has one critic optimizer). */
  static float[][] params(Mlp[] nets) {
    float[][] p = new float[0][];
    for (Mlp n : nets) p = Ppo.concat(p, n.params);
    return p;
  }

  static Mlp[] copies(Mlp[] nets) {
    Mlp[] c = new Mlp[nets.length];
    for (int i = 0; i < nets.length; i++) c[i] = nets[i].copy();
    return c;
  }

  static void putNets(Checkpoint c, String prefix, Mlp[] nets) {
    for (int i = 0; i < nets.length; i++) c.putNet(prefix + i, nets[i]);
  }

  static void loadNets(Checkpoint c, String prefix, Mlp[] nets) {
    for (int i = 0; i < nets.length; i++) c.loadNet(prefix + i, nets[i]);
  }

  /** {@code n} standard-normal draws from the run's stream (noise enters the tensors from Java, reproducibly). */
  static float[] gaussians(int n, Rng rng) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) g[i] = (float) rng.nextGaussian();
    return g;
  }

  /** The first {@code rows} outputs of an MLP as model layers (SAC's mean out of its mean-and-log-std output). */
  static List<Layer> firstOutputs(Mlp net, int rows) {
    List<Layer> ls = new ArrayList<>(net.toLayers());
    Layer.Linear last = (Layer.Linear) ls.get(ls.size() - 1);
    ls.set(ls.size() - 1, new Layer.Linear(last.in(), rows, java.util.Arrays.copyOf(last.weight(), rows * last.in()),
        java.util.Arrays.copyOf(last.bias(), rows)));
    return ls;
  }
}

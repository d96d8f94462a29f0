package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * PPO with Random Network Distillation (Burda et al. 2018) on pixels, as the paper and CleanRL's
 * {@code ppo_rnd_envpool.py} set it up: the agent gets two rewards — the game's (clipped, episodic,
 * discount {@code gamma} 0.999) and RND's novelty ({@link Rnd}: normalized, non-episodic, discount
 * {@code int_gamma} 0.99) — learns a value for each with its own head, and follows the advantage
 * {@code ext_coef · A_ext + int_coef · A_int} (2 and 1). The predictor is trained in the same loss and
 * the same Adam step as the agent, on a random {@code update_proportion} of each minibatch; the
 * observation statistics are initialised from random steps before training
 * ({@code obs_norm_init_steps} per copy, counted in the run's steps).
 *
 * <p>The agent is the study's network (the RND paper's CNN policy): convolutions 32 8×8/4, 64 4×4/2,
 * 64 3×3/1 with ReLU, fully connected 3136→256→448 with ReLU (net_arch {@code 256,448}); the policy
 * through one more 448 layer to the logits (gains 0.01); the two values from the 448 features plus a
 * residual extra layer (gain 0.1), gains 0.01. Collection, GAE, the surrogate and the byte rollout
 * buffer are {@link PixelRollouts}' and {@link Ppo}'s. The value losses are CleanRL's
 * {@code 0.5 · (MSE_ext + MSE_int)} without its value clipping. The exported model is the policy: the
 * convolutions as trunk, the fully connected layers and the policy layers as the "pi" head (the values'
 * residual sum has no model layer and they are not deployed).
 */
public final class PpoRnd {
  private PpoRnd() {}

  static final String NAME = "ppo-rnd";

  /** The hyperparameters PPO-RND takes: the rollout PPO's, its schedule, the intrinsic stream's and the predictor's. */
  public static List<Hp> schema() {
    List<Hp> s = Ppo.rolloutSchema(" (both streams)");
    s.add(Hp.flag("anneal_lr", "decay the learning rate linearly to 0"));
    s.add(Hp.fraction("int_gamma", "discount of the intrinsic (non-episodic) return"));
    s.add(Hp.nonNegative("ext_coef", "weight of the extrinsic advantage"));
    s.add(Hp.nonNegative("int_coef", "weight of the intrinsic advantage"));
    s.add(new Hp("update_proportion", new Hp.Real(0, true, 1), "share of each minibatch the predictor learns from"));
    s.add(Hp.integer("obs_norm_init_steps", 1, "random steps per copy that initialise the observation statistics"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, PpoRnd::train);
  }

  /**
   * The agent: {@code body} (convolutions, flatten, net_arch's fully connected layers), {@code actor}
   * (448–ReLU–logits), {@code extra} (the residual layer in front of the values) and the two value
   * heads; drawn in that order.
   */
  record Net(ConvNet body, ConvNet actor, ConvNet extra, ConvNet vExt, ConvNet vInt) {
    static Net create(int[] obsShape, int[] widths, int nActions, RandomGenerator rng) {
      ConvNet body = PpoCnn.natureBody(obsShape, widths, rng);
      int[] f = body.outShape();
      ConvNet actor = new ConvNet(f, List.of(new ConvNet.Dense(f[0], 0.01), new ConvNet.Relu(), new ConvNet.Dense(nActions, 0.01)), rng);
      ConvNet extra = new ConvNet(f, List.of(new ConvNet.Dense(f[0], 0.1), new ConvNet.Relu()), rng);
      return new Net(body, actor, extra, new ConvNet(f, List.of(new ConvNet.Dense(1, 0.01)), rng),
          new ConvNet(f, List.of(new ConvNet.Dense(1, 0.01)), rng));
    }

    float[][] parameters() {
      return ConvNet.parameters(body, actor, extra, vExt, vInt);
    }

    Net copy() {
      return new Net(body.copy(), actor.copy(), extra.copy(), vExt.copy(), vInt.copy());
    }

    void copyFrom(Net o) {
      body.copyFrom(o.body);
      actor.copyFrom(o.actor);
      extra.copyFrom(o.extra);
      vExt.copyFrom(o.vExt);
      vInt.copyFrom(o.vInt);
    }

    record Tensors(NDList body, NDList actor, NDList extra, NDList vExt, NDList vInt) {
      float[][] gradients() {
        return PpoCnn.concat(ConvNet.gradients(body), ConvNet.gradients(actor), ConvNet.gradients(extra),
            ConvNet.gradients(vExt), ConvNet.gradients(vInt));
      }
    }

    Tensors tensors(NDManager m, boolean grad) {
      return new Tensors(body.toTensors(m, grad), actor.toTensors(m, grad), extra.toTensors(m, grad),
          vExt.toTensors(m, grad), vInt.toTensors(m, grad));
    }

    /** Logits [B, A], extrinsic and intrinsic values [B] of frames scaled to 0..1. */
    NDList forward(Tensors t, NDArray x) {
      NDArray h = body.forward(t.body(), x);
      NDArray f = extra.forward(t.extra(), h).add(h);
      long b = x.getShape().get(0);
      return new NDList(actor.forward(t.actor(), h), vExt.forward(t.vExt(), f).reshape(b), vInt.forward(t.vInt(), f).reshape(b));
    }

    PixelRollouts.Outputs infer(Tensors t, NDArray frames) {
      NDList o = forward(t, PixelRollouts.scaled(frames));
      return new PixelRollouts.Outputs(o.get(0).toFloatArray(), new float[][] {o.get(1).toFloatArray(), o.get(2).toFloatArray()});
    }

    /** The current weights as a rollout policy, their tensors in {@code m} (collection and evaluation). */
    PixelRollouts.ActorCritic policy(NDManager m) {
      Tensors t = tensors(m, false);
      return (mm, frames) -> infer(t, frames);
    }

    PolicyModel model(Provenance p) {
      return PpoCnn.pixelPolicy(body.inShape(), body, List.of(new Head("pi", new HeadKind.Categorical(), actor.toLayers())), p);
    }
  }

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    int nEnvs = hp.integer("n_envs"), nSteps = hp.integer("n_steps"), batchSize = hp.integer("batch_size");
    int nEpochs = hp.integer("n_epochs");
    double gamma = hp.dbl("gamma"), intGamma = hp.dbl("int_gamma"), lambda = hp.dbl("gae_lambda");
    double lr0 = hp.dbl("learning_rate"), maxGradNorm = hp.dbl("max_grad_norm");
    float extCoef = (float) hp.dbl("ext_coef"), intCoef = (float) hp.dbl("int_coef");
    double proportion = hp.dbl("update_proportion");
    boolean anneal = hp.bool("anneal_lr");
    PixelRollouts buf = new PixelRollouts(run, nEnvs, nSteps, 2, true);
    long total = run.total();
    int[] planeShape = {1, buf.obsShape[1], buf.obsShape[2]};

    SplittableRandom init = new SplittableRandom(run.config().seed());
    Net net = Net.create(buf.obsShape, hp.layers("net_arch"), buf.nActions, init);
    Rnd rnd = new Rnd(planeShape, nEnvs, init);
    float[][] all = PpoCnn.concat(net.parameters(), rnd.trainable());
    Adam adam = new Adam(all, 0.9, 0.999, 1e-5);
    Net best = net.copy();
    Rng rng = run.rng();
    Selection selection = run.selection();
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      resumed.loadParams("net", net.parameters());
      resumed.loadParams("best", best.parameters());
      rnd.load(resumed);
      resumed.loadAdam("adam", adam);
    } else {
      // Observation statistics from random steps, n_steps at a time (as CleanRL's initialisation loop).
      int initSteps = hp.integer("obs_norm_init_steps");
      for (int done = 0; done < initSteps; done += nSteps) rnd.observe(buf.randomPlanes(run, rng, Math.min(nSteps, initSteps - done)));
    }
    int n = nSteps * nEnvs;
    int[] perm = new int[n];
    UpdateStats update = new UpdateStats();
    boolean[] noStarts = new boolean[n], noLastStarts = new boolean[nEnvs];

    try (NDManager manager = Torch.newManager()) {
      while (run.step() < total) {
        double lr = anneal ? lr0 * (1.0 - (double) run.step() / total) : lr0;
        try (NDManager sub = manager.newSubManager()) {
          buf.collect(run, rng, manager, net.policy(sub), gamma);
        }
        // Intrinsic rewards with the statistics before this rollout, then the statistics take it in.
        float[] intrinsic = rnd.novelty(manager, buf.nextPlanes, n);
        rnd.returnScale.normalize(intrinsic, nEnvs, intGamma);
        rnd.observe(buf.nextPlanes, n);
        float[][] ext = Ppo.gae(buf.rewards, buf.values[0], buf.starts, buf.lastValues[0], buf.lastStarts, nEnvs, gamma, lambda);
        float[][] in = Ppo.gae(intrinsic, buf.values[1], noStarts, buf.lastValues[1], noLastStarts, nEnvs, intGamma, lambda);
        float[] adv = new float[n];
        for (int i = 0; i < n; i++) adv[i] = extCoef * ext[0][i] + intCoef * in[0][i];

        for (int i = 0; i < n; i++) perm[i] = i;
        for (int epoch = 0; epoch < nEpochs; epoch++) {
          Ppo.shuffle(perm, rng);
          for (int from = 0; from < n; from += batchSize) {
            int m = Math.min(batchSize, n - from);
            PixelRollouts.Minibatch mb = buf.minibatch(perm, from, m);
            float[] a = mb.pick(adv);
            Ppo.standardize(a);
            float[] mask = new float[m];
            for (int i = 0; i < m; i++) mask[i] = rng.nextDouble() < proportion ? 1f : 0f;
            Targets targets = new Targets(a, mb.pick(ext[1]), mb.pick(in[1]), mask);
            update.gradient(adam.step(all, gradient(manager, net, rnd, buf, mb, targets, hp, update), lr, maxGradNorm), maxGradNorm);
          }
        }
        run.updated(update.finish(run.step(), lr, hp.dbl("clip_range"), buf.values[0], ext[1]));
        long step = run.step();
        if (selection.due(step) && buf.evaluate(selection, step, manager, net::policy)) best.copyFrom(net);
        if (run.checkpointDue(n))
          run.checkpoint(c -> {
            c.putParams("net", net.parameters());
            c.putParams("best", best.parameters());
            rnd.save(c);
            c.putAdam("adam", adam);
            buf.save(c);
          });
        run.progress();
      }
    }
    return run.result((selection.bestStep >= 0 ? best : net).model(run.provenance()));
  }

  /** A minibatch's normalized advantages, the two returns and the predictor's sample mask. */
  private record Targets(float[] adv, float[] retExt, float[] retInt, float[] mask) {}

  private static float[][] gradient(NDManager manager, Net net, Rnd rnd, PixelRollouts buf, PixelRollouts.Minibatch mb,
      Targets g, Hyperparameters hp, UpdateStats update) {
    int m = mb.size();
    try (NDManager sub = manager.newSubManager()) {
      Net.Tensors t = net.tensors(sub, true);
      NDList pt = rnd.predictor.toTensors(sub, true), tt = rnd.target.toTensors(sub, false), stats = rnd.statsTensors(sub);
      NDArray x = PixelRollouts.scaled(PixelRollouts.frames(sub, mb.frames(), 0, m, buf.obsShape));
      NDArray planes = Rnd.whiten(PixelRollouts.frames(sub, mb.nextPlanes(), 0, m, new int[] {1, buf.obsShape[1], buf.obsShape[2]}), stats);
      NDArray onehot = sub.create(mb.onehot(), new Shape(m, buf.nActions)), old = sub.create(mb.oldLogp());
      NDArray adv = sub.create(g.adv()), retExt = sub.create(g.retExt()), retInt = sub.create(g.retInt()), mask = sub.create(g.mask());
      float chosen = 0;
      for (float v : g.mask()) chosen += v;
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        NDList out = net.forward(t, x);
        Ppo.PolicyTerms p = Ppo.clippedSurrogate(out.get(0), onehot, old, adv, hp.dbl("clip_range"));
        NDArray valueLoss = out.get(1).sub(retExt).square().mean().add(out.get(2).sub(retInt).square().mean()).mul(0.5f);
        NDArray forwardLoss = rnd.predictionError(pt, tt, planes).mul(mask).sum().div(Math.max(chosen, 1f));
        gc.backward(p.loss().sub(p.entropy().mul((float) hp.dbl("ent_coef"))).add(valueLoss.mul((float) hp.dbl("vf_coef")))
            .add(forwardLoss));
        update.minibatch(p.loss(), valueLoss, p.entropy(), p.logRatio(), hp.dbl("clip_range"));
      }
      return PpoCnn.concat(t.gradients(), ConvNet.gradients(pt));
    }
  }
}

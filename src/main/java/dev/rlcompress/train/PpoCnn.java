package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * PPO on pixels (Atari): {@link Ppo}'s algorithm — GAE(λ), the clipped surrogate
 * ({@link Ppo#clippedSurrogate}), value MSE, entropy bonus, per-minibatch advantage normalisation, one
 * Adam with global gradient clipping, linear decay of learning rate and clip range — on the Nature CNN
 * actor-critic of Mnih et al. 2015 as Stable-Baselines3's {@code CnnPolicy} builds it: convolutions
 * 32 8×8 stride 4, 64 4×4 stride 2, 64 3×3 stride 1 with ReLU, a shared fully connected layer of 512
 * with ReLU, then the policy logits and the value. Frames come in as bytes and are scaled by 1/255
 * inside the network, so the exported ONNX consumes raw 0..255 frames.
 *
 * <p>The exported policy's trunk is the convolutions (what {@code --part features} selects), its head
 * the fully connected layers (what {@code --part head} selects). The critic rides along as a second
 * head with its own copy of the shared fully connected layer (the model has one trunk; the deployed
 * file holds the policy only).
 *
 * <p>Why a class beside {@link Ppo} rather than a network parameter of it: {@link Ppo} acts with the Java
 * forward pass of MLPs per environment copy and keeps float observations; pixels need batched PyTorch
 * inference during collection and byte storage ({@link PixelRollouts}). The algorithm's pieces (GAE,
 * the surrogate, normalisation, sampling) are {@link Ppo}'s, called from here.
 */
public final class PpoCnn {
  private PpoCnn() {}

  static final String NAME = "ppo";

  /** The hyperparameters PPO on pixels takes: the rollout PPO's, with its linear schedule. */
  public static List<Hp> schema() {
    List<Hp> s = Ppo.rolloutSchema("");
    s.add(Hp.flag("linear_schedule", "decay learning rate and clip range linearly to 0"));
    return s;
  }

  public static TrainResult train(TrainConfig cfg) {
    return TrainingRun.execute(NAME, cfg, PpoCnn::train);
  }

  /**
   * The body both pixel agents share ({@link PpoRnd}'s too): the Nature CNN's convolutions and flatten
   * (what the model's trunk holds), then fully connected layers of {@code widths}, each followed by
   * ReLU; orthogonal gain √2 throughout, drawn in that order from {@code rng}.
   */
  static ConvNet natureBody(int[] obsShape, int[] widths, RandomGenerator rng) {
    double g = Math.sqrt(2);
    List<ConvNet.Spec> s = new ArrayList<>(List.of(new ConvNet.Conv(32, 8, 4, g), new ConvNet.Relu(),
        new ConvNet.Conv(64, 4, 2, g), new ConvNet.Relu(), new ConvNet.Conv(64, 3, 1, g), new ConvNet.Relu(), new ConvNet.Flatten()));
    for (int w : widths) {
      s.add(new ConvNet.Dense(w, g));
      s.add(new ConvNet.Relu());
    }
    return new ConvNet(obsShape, s, rng);
  }

  /**
   * The actor-critic: {@code body} (convolutions, flatten, the fully connected layers of net_arch)
   * shared by the policy logits {@code pi} (gain 0.01) and the value {@code v} (gain 1), as SB3 builds
   * {@code CnnPolicy}. Drawn in that order from the generator.
   */
  record Net(ConvNet body, ConvNet pi, ConvNet v) {
    static Net create(int[] obsShape, int[] widths, int nActions, RandomGenerator rng) {
      ConvNet body = natureBody(obsShape, widths, rng);
      int[] features = body.outShape();
      return new Net(body, new ConvNet(features, List.of(new ConvNet.Dense(nActions, 0.01)), rng),
          new ConvNet(features, List.of(new ConvNet.Dense(1, 1.0)), rng));
    }

    float[][] parameters() {
      return ConvNet.parameters(body, pi, v);
    }

    Net copy() {
      return new Net(body.copy(), pi.copy(), v.copy());
    }

    void copyFrom(Net o) {
      body.copyFrom(o.body);
      pi.copyFrom(o.pi);
      v.copyFrom(o.v);
    }

    /** Tensors of body, pi and v (in that order in the list). */
    Tensors tensors(NDManager m, boolean grad) {
      return new Tensors(body.toTensors(m, grad), pi.toTensors(m, grad), v.toTensors(m, grad));
    }

    record Tensors(NDList body, NDList pi, NDList v) {
      float[][] gradients() {
        return concat(ConvNet.gradients(body), ConvNet.gradients(pi), ConvNet.gradients(v));
      }
    }

    /** Logits and values of uint8 frames, without gradient: what the rollout acts with. */
    PixelRollouts.Outputs infer(Tensors t, NDArray frames) {
      NDArray h = body.forward(t.body(), PixelRollouts.scaled(frames));
      return new PixelRollouts.Outputs(pi.forward(t.pi(), h).toFloatArray(),
          new float[][] {v.forward(t.v(), h).toFloatArray()});
    }

    /** The current weights as a rollout policy, their tensors in {@code m} (collection and evaluation). */
    PixelRollouts.ActorCritic policy(NDManager m) {
      Tensors t = tensors(m, false);
      return (mm, frames) -> infer(t, frames);
    }

    PolicyModel model(Provenance p) {
      return pixelPolicy(body.inShape(), body, List.of(
          new Head("pi", new HeadKind.Categorical(), pi.toLayers()), new Head("v", new HeadKind.Value(), v.toLayers())), p);
    }
  }

  /**
   * A pixel policy as the model holds it: frames scaled from 0..255 to 0..1 by the normalization, the
   * body's convolutions and flatten as the trunk ("features"), and each of {@code tails} as a head
   * behind the body's fully connected layers ("head").
   */
  static PolicyModel pixelPolicy(int[] obsShape, ConvNet body, List<Head> tails, Provenance p) {
    List<Layer> layers = body.toLayers();
    int flat = 0;
    while (!(layers.get(flat) instanceof Layer.Flatten)) flat++;
    List<Layer> trunk = layers.subList(0, flat + 1), fc = layers.subList(flat + 1, layers.size());
    List<Head> heads = new ArrayList<>();
    for (Head t : tails) {
      List<Layer> h = new ArrayList<>(fc);
      h.addAll(t.layers());
      heads.add(new Head(t.name(), t.kind(), h));
    }
    return new PolicyModel(obsShape, PIXELS, trunk, heads, p);
  }

  /** Raw frames 0..255 to 0..1, one scalar for every element. */
  static final Normalization PIXELS = Normalization.uniform(0f, 255f, 1f);

  private static TrainResult train(TrainingRun run) {
    Hyperparameters hp = run.hp();
    int nEnvs = hp.integer("n_envs"), nSteps = hp.integer("n_steps"), batchSize = hp.integer("batch_size");
    int nEpochs = hp.integer("n_epochs");
    double gamma = hp.dbl("gamma"), lambda = hp.dbl("gae_lambda"), clip0 = hp.dbl("clip_range"), lr0 = hp.dbl("learning_rate");
    double entCoef = hp.dbl("ent_coef"), vfCoef = hp.dbl("vf_coef"), maxGradNorm = hp.dbl("max_grad_norm");
    boolean linear = hp.bool("linear_schedule");
    PixelRollouts buf = new PixelRollouts(run, nEnvs, nSteps, 1, false);
    long total = run.total();

    Net net = Net.create(buf.obsShape, hp.layers("net_arch"), buf.nActions, new SplittableRandom(run.config().seed()));
    float[][] all = net.parameters();
    Adam adam = new Adam(all, 0.9, 0.999, 1e-5);
    Net best = net.copy();
    Checkpoint resumed = run.resumed();
    if (resumed != null) {
      resumed.loadParams("net", all);
      resumed.loadParams("best", best.parameters());
      resumed.loadAdam("adam", adam);
    }
    Rng rng = run.rng();
    Selection selection = run.selection();
    int n = nSteps * nEnvs;
    int[] perm = new int[n];
    UpdateStats stats = new UpdateStats();

    try (NDManager manager = Torch.newManager()) {
      while (run.step() < total) {
        double remaining = 1.0 - (double) run.step() / total;
        double lr = linear ? lr0 * remaining : lr0, clip = linear ? clip0 * remaining : clip0;

        // 1. Collect n_steps from each copy with the current policy (one batched PyTorch call per step).
        try (NDManager sub = manager.newSubManager()) {
          buf.collect(run, rng, manager, net.policy(sub), gamma);
        }
        // 2. GAE(λ) advantages and returns.
        float[][] g = Ppo.gae(buf.rewards, buf.values[0], buf.starts, buf.lastValues[0], buf.lastStarts, nEnvs, gamma, lambda);
        // 3. n_epochs passes of shuffled minibatches.
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int epoch = 0; epoch < nEpochs; epoch++) {
          Ppo.shuffle(perm, rng);
          for (int from = 0; from < n; from += batchSize) {
            PixelRollouts.Minibatch mb = buf.minibatch(perm, from, Math.min(batchSize, n - from));
            float[] adv = mb.pick(g[0]);
            Ppo.standardize(adv);
            float[][] grads = gradient(manager, net, buf, mb, new Loss(adv, mb.pick(g[1]), clip, entCoef, vfCoef), stats);
            stats.gradient(adam.step(all, grads, lr, maxGradNorm), maxGradNorm);
          }
        }
        run.updated(stats.finish(run.step(), lr, clip, buf.values[0], g[1]));
        // 4. Evaluation (off by default), checkpoint, progress.
        long step = run.step();
        if (selection.due(step) && buf.evaluate(selection, step, manager, net::policy)) best.copyFrom(net);
        if (run.checkpointDue(n))
          run.checkpoint(c -> {
            c.putParams("net", all);
            c.putParams("best", best.parameters());
            c.putAdam("adam", adam);
            buf.save(c);
          });
        run.progress();
      }
    }
    return run.result((selection.bestStep >= 0 ? best : net).model(run.provenance()));
  }

  /** A minibatch's targets and the loss coefficients. */
  private record Loss(float[] adv, float[] ret, double clip, double entCoef, double vfCoef) {}

  private static float[][] gradient(NDManager manager, Net net, PixelRollouts buf, PixelRollouts.Minibatch mb, Loss c,
      UpdateStats stats) {
    int m = mb.size();
    try (NDManager sub = manager.newSubManager()) {
      Net.Tensors t = net.tensors(sub, true);
      NDArray x = PixelRollouts.scaled(PixelRollouts.frames(sub, mb.frames(), 0, m, buf.obsShape));
      NDArray onehot = sub.create(mb.onehot(), new Shape(m, buf.nActions));
      NDArray old = sub.create(mb.oldLogp()), adv = sub.create(c.adv()), ret = sub.create(c.ret());
      try (GradientCollector gc = Torch.engine().newGradientCollector()) {
        NDArray h = net.body().forward(t.body(), x);
        Ppo.PolicyTerms p = Ppo.clippedSurrogate(net.pi().forward(t.pi(), h), onehot, old, adv, c.clip());
        NDArray valueLoss = net.v().forward(t.v(), h).reshape(m).sub(ret).square().mean();
        gc.backward(p.loss().sub(p.entropy().mul((float) c.entCoef())).add(valueLoss.mul((float) c.vfCoef())));
        stats.minibatch(p.loss(), valueLoss, p.entropy(), p.logRatio(), c.clip());
      }
      return t.gradients();
    }
  }

  static float[][] concat(float[][]... parts) {
    int n = 0;
    for (float[][] p : parts) n += p.length;
    float[][] c = new float[n][];
    int k = 0;
    for (float[][] p : parts) for (float[] a : p) c[k++] = a;
    return c;
  }
}

package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Random Network Distillation (Burda, Edwards, Storkey and Klimov 2018, "Exploration by Random Network
 * Distillation"): a fixed, randomly initialised target network and a predictor trained to match it on
 * the states the agent visits. The predictor's error is the intrinsic reward: high on states unlike
 * those seen so far, falling as they are revisited.
 *
 * <p>As the paper and CleanRL's {@code ppo_rnd_envpool.py} do it: both networks see the newest frame
 * of the stack only ([1, 84, 84]), whitened per pixel by running statistics (initialised from random
 * steps before training) and clipped to ±5; convolutions 32 8×8/4, 64 4×4/2, 64 3×3/1 with LeakyReLU,
 * then a 512-unit linear layer (target) or 512–ReLU–512–ReLU–512 (predictor), all orthogonal gain √2.
 * The intrinsic reward is half the squared distance of the two outputs (CleanRL's
 * {@code sum(1) / 2}), divided by the running standard deviation of the discounted intrinsic return
 * (the paper's reward "forward filter", γ = the intrinsic discount), without centring. The predictor
 * learns from a random {@code update_proportion} of each minibatch (0.25 in the paper's 128-env setup,
 * where it keeps the predictor's effective batch at 32 envs' worth).
 */
final class Rnd {
  /** Normalized observations are clipped to this (the paper's [-5, 5]). */
  static final float OBS_CLIP = 5f;

  final ConvNet target, predictor;
  final RunningMeanStd planeStats;
  final ReturnScale returnScale;
  private final int[] planeShape;

  /** Draws the target then the predictor from {@code rng}. */
  Rnd(int[] planeShape, int nEnvs, RandomGenerator rng) {
    this.planeShape = planeShape.clone();
    double g = Math.sqrt(2);
    List<ConvNet.Spec> convs = List.of(new ConvNet.Conv(32, 8, 4, g), new ConvNet.LeakyRelu(), new ConvNet.Conv(64, 4, 2, g),
        new ConvNet.LeakyRelu(), new ConvNet.Conv(64, 3, 1, g), new ConvNet.LeakyRelu(), new ConvNet.Flatten());
    List<ConvNet.Spec> t = new java.util.ArrayList<>(convs);
    t.add(new ConvNet.Dense(512, g));
    List<ConvNet.Spec> p = new java.util.ArrayList<>(convs);
    p.addAll(List.of(new ConvNet.Dense(512, g), new ConvNet.Relu(), new ConvNet.Dense(512, g), new ConvNet.Relu(),
        new ConvNet.Dense(512, g)));
    target = new ConvNet(planeShape, t, rng);
    predictor = new ConvNet(planeShape, p, rng);
    planeStats = new RunningMeanStd(planeShape[0] * planeShape[1] * planeShape[2]);
    returnScale = new ReturnScale(nEnvs);
  }

  /** Adds planes (rows of 0..255 values) to the observation statistics. */
  void observe(float[][] planes) {
    planeStats.update(planes);
  }

  /** Adds {@code count} byte planes from {@code bytes} to the observation statistics. */
  void observe(byte[] bytes, int count) {
    int size = planeStats.mean.length;
    float[][] rows = new float[count][size];
    for (int i = 0; i < count; i++) for (int k = 0; k < size; k++) rows[i][k] = bytes[i * size + k] & 0xFF;
    planeStats.update(rows);
  }

  /** The tensors of the current observation statistics: mean and standard deviation, each [C, H, W]. */
  NDList statsTensors(NDManager m) {
    int n = planeStats.mean.length;
    float[] mean = new float[n], std = new float[n];
    for (int k = 0; k < n; k++) {
      mean[k] = (float) planeStats.mean[k];
      std[k] = (float) Math.sqrt(planeStats.var[k] + RunningMeanStd.EPS);
    }
    Shape s = new Shape(planeShape[0], planeShape[1], planeShape[2]);
    return new NDList(m.create(mean, s), m.create(std, s));
  }

  /** uint8 planes [B, C, H, W] whitened by {@code stats} and clipped to ±5: what both networks see. */
  static NDArray whiten(NDArray planes, NDList stats) {
    return planes.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sub(stats.get(0)).div(stats.get(1))
        .clip(-OBS_CLIP, OBS_CLIP);
  }

  /** Per-sample prediction error {@code mean((predictor - target)^2)} over the 512 outputs: the predictor's loss. */
  NDArray predictionError(NDList predictorTensors, NDList targetTensors, NDArray whitened) {
    NDArray goal = target.forward(targetTensors, whitened).stopGradient();
    return predictor.forward(predictorTensors, whitened).sub(goal).square().mean(new int[] {1});
  }

  /**
   * Unnormalized intrinsic rewards {@code sum((predictor - target)^2) / 2} of {@code count} byte planes,
   * computed in chunks without gradient, with the statistics as they are now.
   */
  float[] novelty(NDManager manager, byte[] planes, int count) {
    float[] r = new float[count];
    int size = planeStats.mean.length, chunk = 256, outputs = target.outShape()[0];
    try (NDManager sub = manager.newSubManager()) {
      NDList stats = statsTensors(sub), tt = target.toTensors(sub, false), pt = predictor.toTensors(sub, false);
      for (int from = 0; from < count; from += chunk) {
        int m = Math.min(chunk, count - from);
        try (NDManager s = sub.newSubManager()) {
          NDArray x = whiten(PixelRollouts.frames(s, planes, from * size, m, planeShape), stats);
          float[] e = predictionError(pt, tt, x).toFloatArray();
          for (int i = 0; i < m; i++) r[from + i] = e[i] * outputs / 2f; // the mean over the outputs, as sum / 2
        }
      }
    }
    return r;
  }

  /**
   * The intrinsic reward's normalization: divided by the running standard deviation of the discounted
   * intrinsic return, which is carried across rollouts and episodes per copy (the intrinsic stream is
   * non-episodic) — the RND paper's reward "forward filter".
   */
  static final class ReturnScale {
    /** Per environment copy, the discounted sum of intrinsic rewards so far. */
    final double[] discounted;
    final RunningMeanStd stats = new RunningMeanStd(1);

    ReturnScale(int nEnvs) {
      discounted = new double[nEnvs];
    }

    /** Scales a rollout's rewards ({@code [t * nEnvs + e]}) in place, the statistics updated with this rollout first. */
    void normalize(float[] rewards, int nEnvs, double gamma) {
      float[][] returns = new float[rewards.length][1];
      for (int i = 0; i < rewards.length; i++) {
        int e = i % nEnvs;
        discounted[e] = discounted[e] * gamma + rewards[i];
        returns[i][0] = (float) discounted[e];
      }
      stats.update(returns);
      double std = Math.sqrt(stats.var[0] + RunningMeanStd.EPS);
      for (int i = 0; i < rewards.length; i++) rewards[i] = (float) (rewards[i] / std);
    }

    void save(Checkpoint c, String prefix) {
      stats.save(c, prefix);
      for (int e = 0; e < discounted.length; e++) c.put(prefix + ".discounted." + e, Double.doubleToLongBits(discounted[e]));
    }

    void load(Checkpoint c, String prefix) {
      stats.load(c, prefix);
      for (int e = 0; e < discounted.length; e++) discounted[e] = Double.longBitsToDouble(c.number(prefix + ".discounted." + e));
    }
  }

  float[][] trainable() {
    return predictor.params;
  }

  void save(Checkpoint c) {
    c.putParams("rnd.target", target.params);
    c.putParams("rnd.predictor", predictor.params);
    planeStats.save(c, "rnd.planes");
    returnScale.save(c, "rnd.returns");
  }

  void load(Checkpoint c) {
    c.loadParams("rnd.target", target.params);
    c.loadParams("rnd.predictor", predictor.params);
    planeStats.load(c, "rnd.planes");
    returnScale.load(c, "rnd.returns");
  }
}

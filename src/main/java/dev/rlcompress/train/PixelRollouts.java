package dev.rlcompress.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rlcompress.model.Actions;
import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.env.gym.GymBridge;
import dev.rlcompress.util.UserError;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * The rollout side of PPO on pixels, shared by {@link PpoCnn} and {@link PpoRnd}: the training variant
 * of the environment, collection of {@code n_steps} from each copy with the current policy (batched
 * through PyTorch, one call per step for all copies), and the rollout buffer with observations kept as
 * bytes (an 84×84×4 stack is 28 KB as bytes, 113 KB as floats; a 1,024-step rollout 29 MB instead of
 * 116 MB). A policy may have several value streams (RND's extrinsic and intrinsic values); the first
 * is the one bootstrapped through time-limit truncation.
 *
 * <p>Atari games train on the variant with episodic life and reward sign ({@code training=true}, as
 * SB3's and CleanRL's Atari wrappers do) unless the id sets {@code training} itself; the run and its
 * model keep the plain id, which plays full games with the game's score. Such episodes cannot be
 * rebuilt by replaying actions, so a resumed run starts fresh episodes ({@link VectorEnv#restart});
 * the progress display reports whole-game scores ({@code raw_reward} summed until {@code game_over}).
 */
final class PixelRollouts {
  /** A pixel actor-critic's outputs for a batch: logits [B·A] flat, and one [B] array per value stream. */
  record Outputs(float[] logits, float[][] values) {}

  /** The policy the rollout acts with: frames as uint8 [B, C, H, W], in; outputs, out. No gradient. */
  interface ActorCritic {
    Outputs infer(NDManager m, NDArray frames);
  }

  final VectorEnv envs;
  final int nEnvs, nSteps, nActions, frameSize, planeSize, streams;
  final int[] obsShape;
  /** Observations acted on, as bytes, at {@code [(t * nEnvs + e) * frameSize]}. */
  final byte[] obs;
  /** The last plane of each step's next observation (the final one when the episode ended); null unless kept. */
  final byte[] nextPlanes;
  final int[] actions;
  final float[] logp, rewards;
  /** Per value stream, the values of the observations acted on. */
  final float[][] values;
  /** Whether each step began an episode. */
  final boolean[] starts;
  /** Per value stream, the values of the observations after the rollout. */
  final float[][] lastValues;
  /** Whether each copy's next step begins an episode. */
  final boolean[] lastStarts;
  private final double[] gameScore;
  private float[][] current;

  /**
   * @param streams number of value streams the policy has
   * @param keepNextPlanes whether to keep each step's next plane (RND's predictor input)
   */
  PixelRollouts(TrainingRun run, int nEnvs, int nSteps, int streams, boolean keepNextPlanes) {
    String id = run.config().envId();
    EnvSpec spec = EnvSpec.parse(id);
    boolean atari = GymBridge.isAtari(spec.id());
    EnvSpec training = atari && !spec.options().containsKey("training") ? spec.with(Map.of("training", "true")) : spec;
    boolean episodicLife = atari && Boolean.parseBoolean(training.options().getOrDefault("training", "false"));
    this.envs = run.envs(nEnvs, training.toString(), !episodicLife);
    this.obsShape = pixelShape(envs.env(0).observationSpace(), id);
    if (!(envs.env(0).actionSpace() instanceof Space.Discrete d))
      throw new UserError("PPO on pixels handles discrete actions; " + id + " has continuous ones");
    this.nActions = d.n();
    this.nEnvs = nEnvs;
    this.nSteps = nSteps;
    this.streams = streams;
    this.frameSize = obsShape[0] * obsShape[1] * obsShape[2];
    this.planeSize = obsShape[1] * obsShape[2];
    int n = nEnvs * nSteps;
    obs = new byte[n * frameSize];
    nextPlanes = keepNextPlanes ? new byte[n * planeSize] : null;
    actions = new int[n];
    logp = new float[n];
    rewards = new float[n];
    values = new float[streams][n];
    starts = new boolean[n];
    lastValues = new float[streams][nEnvs];
    lastStarts = new boolean[nEnvs];
    gameScore = new double[nEnvs];
    current = envs.observations();
    Checkpoint resumed = run.resumed();
    if (resumed == null || episodicLife) Arrays.fill(lastStarts, true);
    else for (int e = 0; e < nEnvs; e++) lastStarts[e] = resumed.number("pixel.start." + e) != 0;
  }

  /** The smallest height and width the three convolutions (8/4, 4/2, 3/1) leave an output for. */
  static final int MIN_SIZE = 36;

  /**
   * The [C, H, W] shape of a pixel observation space (channels first, values 0..255, at least
   * {@link #MIN_SIZE} pixels a side), or a one-line refusal: a raw {@code gym:} Atari env's [210, 160, 3]
   * RGB frames are channels last.
   */
  static int[] pixelShape(Space s, String id) {
    if (s instanceof Space.Box b && b.shape().length == 3) {
      int[] d = b.shape();
      boolean bytes = true;
      for (int i = 0; i < b.low().length && bytes; i++) bytes = b.low()[i] >= 0 && b.high()[i] <= 255;
      if (bytes && d[0] <= d[1] && d[0] <= d[2] && d[1] >= MIN_SIZE && d[2] >= MIN_SIZE) return d;
    }
    throw new UserError("the CNN policies need channel-first image observations [C, H, W] of values 0..255, at least "
        + MIN_SIZE + " pixels a side, as ALE/<Game>-v5's [4, 84, 84]; " + id + " has " + s);
  }

  /** Whether {@code s} is an image space the CNN policies train on. */
  static boolean isPixels(Space s) {
    return s instanceof Space.Box b && b.shape().length == 3;
  }

  /** Frames as the networks take them: uint8 0..255 to float 0..1 (the model's {@code 1/255} normalization). */
  static NDArray scaled(NDArray frames) {
    return frames.toType(DataType.FLOAT32, false).div(255f);
  }

  /** {@code count} frames of {@code bytes} from {@code offset} as a uint8 tensor [count, ...shape]. */
  static NDArray frames(NDManager m, byte[] bytes, int offset, int count, int[] shape) {
    long[] dims = new long[shape.length + 1];
    dims[0] = count;
    int len = count;
    for (int i = 0; i < shape.length; i++) {
      dims[i + 1] = shape[i];
      len *= shape[i];
    }
    ByteBuffer b = ByteBuffer.allocateDirect(len);
    b.put(bytes, offset, len).rewind();
    return m.create(b, new Shape(dims), DataType.UINT8);
  }

  private static void pack(float[] frame, byte[] into, int offset) {
    for (int i = 0; i < frame.length; i++) into[offset + i] = (byte) (int) frame[i];
  }

  /**
   * Collects {@code n_steps} from every copy with {@code policy}, sampling actions from its logits
   * with {@code rng}; {@code gamma} discounts the first stream's bootstrap through time-limit truncation.
   */
  void collect(TrainingRun run, Rng rng, NDManager manager, ActorCritic policy, double gamma) {
    byte[] now = new byte[nEnvs * frameSize];
    int[] acts = new int[nEnvs];
    for (int t = 0; t < nSteps; t++) {
      int base = t * nEnvs;
      for (int e = 0; e < nEnvs; e++) pack(current[e], obs, (base + e) * frameSize);
      Outputs out = infer(manager, policy, obs, base * frameSize, nEnvs);
      for (int e = 0; e < nEnvs; e++) {
        int idx = base + e;
        double[] lp = Actions.logSoftmax(Arrays.copyOfRange(out.logits(), e * nActions, (e + 1) * nActions));
        int a = Actions.sample(lp, rng);
        acts[e] = a;
        actions[idx] = a;
        logp[idx] = (float) lp[a];
        for (int k = 0; k < streams; k++) values[k][idx] = out.values()[k][e];
        starts[idx] = lastStarts[e];
      }
      current = envs.step(acts);
      run.advance(nEnvs);
      for (int e = 0; e < nEnvs; e++) rewards[base + e] = (float) envs.reward(e);
      bootstrapTruncated(manager, policy, gamma, base, now);
      for (int e = 0; e < nEnvs; e++) {
        finished(run, e);
        if (nextPlanes != null) {
          float[] next = envs.finalObservation(e) != null ? envs.finalObservation(e) : current[e];
          for (int i = 0; i < planeSize; i++) nextPlanes[(base + e) * planeSize + i] = (byte) (int) next[frameSize - planeSize + i];
        }
      }
    }
    for (int e = 0; e < nEnvs; e++) pack(current[e], now, e * frameSize);
    Outputs last = infer(manager, policy, now, 0, nEnvs);
    for (int k = 0; k < streams; k++) System.arraycopy(last.values()[k], 0, lastValues[k], 0, nEnvs);
  }

  /** A time-limit cut is not a terminal state: add the discounted value of the final observation (first stream). */
  private void bootstrapTruncated(NDManager manager, ActorCritic policy, double gamma, int base, byte[] scratch) {
    int cut = 0;
    int[] which = new int[nEnvs];
    for (int e = 0; e < nEnvs; e++)
      if (envs.truncated(e) && !envs.terminated(e)) {
        pack(envs.finalObservation(e), scratch, cut * frameSize);
        which[cut++] = e;
      }
    if (cut == 0) return;
    Outputs v = infer(manager, policy, scratch, 0, cut);
    for (int i = 0; i < cut; i++) rewards[base + which[i]] += (float) (gamma * v.values()[0][i]);
  }

  /** Records copy {@code e}'s latest step: its start flag and, when a game ended, its score. */
  private void finished(TrainingRun run, int e) {
    lastStarts[e] = envs.episodeEnded(e);
    Step s = envs.lastStep(e);
    run.visited(s.info());
    Double raw = s.info().get("raw_reward");
    if (raw == null) {
      if (envs.episodeEnded(e)) run.episodeFinished(envs.lastReturn(e));
      return;
    }
    gameScore[e] += raw;
    if (s.info().getOrDefault("game_over", 0.0) != 0) {
      run.episodeFinished(gameScore[e]);
      gameScore[e] = 0;
    }
  }

  /**
   * Steps every copy {@code steps} times with uniformly random actions and returns the last plane of
   * each next observation, as rows of floats (RND initializes its observation statistics from these).
   */
  float[][] randomPlanes(TrainingRun run, Rng rng, int steps) {
    float[][] planes = new float[steps * nEnvs][];
    int[] acts = new int[nEnvs];
    for (int t = 0; t < steps; t++) {
      for (int e = 0; e < nEnvs; e++) acts[e] = rng.nextInt(nActions);
      current = envs.step(acts);
      run.advance(nEnvs);
      for (int e = 0; e < nEnvs; e++) {
        finished(run, e);
        float[] next = envs.finalObservation(e) != null ? envs.finalObservation(e) : current[e];
        planes[t * nEnvs + e] = Arrays.copyOfRange(next, frameSize - planeSize, frameSize);
      }
    }
    return planes;
  }

  /**
   * Training-time evaluation of a pixel policy (greedy, on the run's evaluation variant of the game,
   * one PyTorch call per step); {@code policy} makes the policy with tensors in the manager it is given.
   * Returns true on a new best, as {@link Selection#evaluate}.
   */
  boolean evaluate(Selection selection, long step, NDManager manager, java.util.function.Function<NDManager, ActorCritic> policy) {
    try (NDManager sub = manager.newSubManager()) {
      ActorCritic p = policy.apply(sub);
      return selection.evaluate(step, new dev.rlcompress.model.HeadKind.Categorical(), obs -> {
        byte[] b = new byte[frameSize];
        pack(obs, b, 0);
        return infer(sub, p, b, 0, 1).logits();
      });
    }
  }

  private Outputs infer(NDManager manager, ActorCritic policy, byte[] bytes, int offset, int count) {
    try (NDManager sub = manager.newSubManager()) {
      return policy.infer(sub, frames(sub, bytes, offset, count, obsShape));
    }
  }

  /** One shuffled minibatch: frames (and next planes), actions one-hot, old log-probabilities. */
  record Minibatch(int size, byte[] frames, byte[] nextPlanes, float[] onehot, float[] oldLogp, int[] rows) {
    /** {@code source[rows[i]]} for each row: advantages, returns of the minibatch. */
    float[] pick(float[] source) {
      float[] r = new float[size];
      for (int i = 0; i < size; i++) r[i] = source[rows[i]];
      return r;
    }
  }

  Minibatch minibatch(int[] perm, int from, int m) {
    byte[] f = new byte[m * frameSize];
    byte[] np = nextPlanes == null ? null : new byte[m * planeSize];
    float[] onehot = new float[m * nActions], old = new float[m];
    int[] rows = Arrays.copyOfRange(perm, from, from + m);
    for (int i = 0; i < m; i++) {
      int j = rows[i];
      System.arraycopy(obs, j * frameSize, f, i * frameSize, frameSize);
      if (np != null) System.arraycopy(nextPlanes, j * planeSize, np, i * planeSize, planeSize);
      onehot[i * nActions + actions[j]] = 1f;
      old[i] = logp[j];
    }
    return new Minibatch(m, f, np, onehot, old, rows);
  }

  /** The rollout's state a checkpoint needs (taken at a rollout boundary). */
  void save(Checkpoint c) {
    for (int e = 0; e < nEnvs; e++) c.put("pixel.start." + e, lastStarts[e] ? 1 : 0);
  }
}

package dev.rlcompress.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run saw while it trained: every finished episode's return with the step it finished at (the
 * learning curve train.json carries), and, for games whose RAM says where the player is, the rooms and
 * the positions visited (how far exploration reached; the RND paper counts rooms in Montezuma's
 * Revenge), and each PPO update's diagnostics ({@link UpdateStats}). Saved in checkpoints, so a resumed
 * run keeps its whole history.
 */
public final class TrainingLog {
  /** Position cells are the player's RAM coordinates divided by this (a coarse grid over a room). */
  static final int CELL = 8;

  private long[] steps = new long[256];
  private double[] returns = new double[256];
  private int episodes;
  private final Set<Integer> rooms = new TreeSet<>();
  private final Set<Long> cells = new HashSet<>();
  private final List<Update> updates = new ArrayList<>();

  /**
   * One PPO update (a rollout's epochs), means over its minibatches: made by {@link UpdateStats}, where
   * each quantity is defined.
   *
   * @param step the run's step count after the rollout the update learned from
   */
  public record Update(long step, double learningRate, double clipRange, double policyLoss, double valueLoss,
      double entropy, double approxKl, double clipFraction, double gradNorm, double clippedGradFraction,
      double explainedVariance) {
    /** The fields after {@code step}, in declaration order (the checkpoint's and train.json's columns). */
    double[] values() {
      return new double[] {learningRate, clipRange, policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm,
          clippedGradFraction, explainedVariance};
    }

    /** Column {@code c} of {@link #COLUMNS}. */
    public double column(int c) {
      return values()[c];
    }

    /** train.json's column names for {@link #values()}. */
    public static final List<String> COLUMNS = List.of("learning_rate", "clip_range", "policy_loss", "value_loss", "entropy",
        "approx_kl", "clip_fraction", "grad_norm", "clipped_grad_fraction", "explained_variance");

    static Update of(long step, double[] v) {
      return new Update(step, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }
  }

  void update(Update u) {
    updates.add(u);
  }

  /** A finished episode: its return, at {@code step} steps into the run. */
  void episode(long step, double episodeReturn) {
    if (episodes == steps.length) {
      steps = Arrays.copyOf(steps, episodes * 2);
      returns = Arrays.copyOf(returns, episodes * 2);
    }
    steps[episodes] = step;
    returns[episodes++] = episodeReturn;
  }

  /**
   * Notes where the player is from a step's info, when the env reports it ({@code ram_room}, and
   * {@code ram_x}, {@code ram_y} for the position): nothing otherwise.
   */
  void visit(Map<String, Double> info) {
    Double room = info.get("ram_room");
    if (room == null) return;
    int r = room.intValue();
    rooms.add(r);
    Double x = info.get("ram_x"), y = info.get("ram_y");
    if (x != null && y != null) cells.add(((long) r << 32) | ((long) (x.intValue() / CELL) << 16) | (y.intValue() / CELL));
  }

  /**
   * @param episodeSteps the step at which each training episode finished, in order
   * @param episodeReturns each one's return (whole-game score for Atari)
   * @param rooms distinct rooms visited (empty where the env reports none)
   * @param cells distinct (room, x / 8, y / 8) positions visited (0 where the env reports none)
   * @param updates each PPO update's diagnostics, in order (empty for other algorithms)
   */
  public record Summary(long[] episodeSteps, double[] episodeReturns, List<Integer> rooms, int cells, List<Update> updates) {}

  public Summary summary() {
    return new Summary(Arrays.copyOf(steps, episodes), Arrays.copyOf(returns, episodes), List.copyOf(rooms), cells.size(),
        List.copyOf(updates));
  }

  void save(Checkpoint c) {
    float[] s = new float[episodes * 2], r = new float[episodes * 2];
    // steps as two float halves (exact up to 2^48), returns as float pairs (value, residual)
    for (int i = 0; i < episodes; i++) {
      s[2 * i] = (float) (steps[i] >>> 24);
      s[2 * i + 1] = (float) (steps[i] & 0xFFFFFF);
      r[2 * i] = (float) returns[i];
      r[2 * i + 1] = (float) (returns[i] - (float) returns[i]);
    }
    c.put("log.steps", s);
    c.put("log.returns", r);
    float[] rm = new float[rooms.size()];
    int k = 0;
    for (int room : rooms) rm[k++] = room;
    c.put("log.rooms", rm);
    float[] cl = new float[cells.size() * 3];
    k = 0;
    for (long cell : cells) {
      cl[k++] = (float) (cell >>> 32);
      cl[k++] = (float) ((cell >>> 16) & 0xFFFF);
      cl[k++] = (float) (cell & 0xFFFF);
    }
    c.put("log.cells", cl);
    // updates: the step as two float halves, then each value as a float pair (value, residual)
    int w = 2 + 2 * Update.COLUMNS.size();
    float[] up = new float[updates.size() * w];
    k = 0;
    for (Update u : updates) {
      up[k++] = (float) (u.step() >>> 24);
      up[k++] = (float) (u.step() & 0xFFFFFF);
      for (double v : u.values()) {
        up[k++] = (float) v;
        up[k++] = (float) (v - (float) v);
      }
    }
    c.put("log.updates", up);
  }

  /** Restores the log from a checkpoint; checkpoints written before the log existed give an empty one. */
  void load(Checkpoint c) {
    if (!c.hasArray("log.steps")) return;
    float[] s = c.array("log.steps"), r = c.array("log.returns");
    episodes = 0;
    for (int i = 0; i < s.length / 2; i++)
      episode(((long) s[2 * i] << 24) | (long) s[2 * i + 1], (double) r[2 * i] + r[2 * i + 1]);
    for (float room : c.array("log.rooms")) rooms.add((int) room);
    float[] cl = c.array("log.cells");
    for (int i = 0; i + 2 < cl.length; i += 3)
      cells.add(((long) cl[i] << 32) | ((long) cl[i + 1] << 16) | (long) cl[i + 2]);
    if (!c.hasArray("log.updates")) return; // written before updates were logged
    float[] up = c.array("log.updates");
    int w = 2 + 2 * Update.COLUMNS.size();
    updates.clear();
    for (int i = 0; i + w <= up.length; i += w) {
      double[] v = new double[Update.COLUMNS.size()];
      for (int j = 0; j < v.length; j++) v[j] = (double) up[i + 2 + 2 * j] + up[i + 3 + 2 * j];
      updates.add(Update.of(((long) up[i] << 24) | (long) up[i + 1], v));
    }
  }
}

package dev.rlcompress.train;

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
 * Revenge). Saved in checkpoints, so a resumed run keeps its whole history.
 */
public final class TrainingLog {
  /** Position cells are the player's RAM coordinates divided by this (a coarse grid over a room). */
  static final int CELL = 8;

  private long[] steps = new long[256];
  private double[] returns = new double[256];
  private int episodes;
  private final Set<Integer> rooms = new TreeSet<>();
  private final Set<Long> cells = new HashSet<>();

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
   */
  public record Summary(long[] episodeSteps, double[] episodeReturns, List<Integer> rooms, int cells) {}

  public Summary summary() {
    return new Summary(Arrays.copyOf(steps, episodes), Arrays.copyOf(returns, episodes), List.copyOf(rooms), cells.size());
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
  }
}

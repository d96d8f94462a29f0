package dev.rlcompress.train;

/** Receives training progress; the CLI draws a progress bar from it. */
public interface Progress {
  /**
   * @param step environment steps done
   * @param total environment steps planned
   * @param recentReturn mean return of the most recent finished episodes (NaN before the first)
   * @param note short status, e.g. the last periodic evaluation
   */
  void update(long step, long total, double recentReturn, String note);

  Progress NONE = (s, t, r, n) -> {};
}

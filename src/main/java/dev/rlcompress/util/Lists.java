package dev.rlcompress.util;

import java.util.ArrayList;
import java.util.List;

/** List helpers shared across layers. */
public final class Lists {
  private Lists() {}

  /**
   * At most {@code n} elements of {@code all}, evenly spaced from the first: a subsample that spans the
   * whole list (states from every part of the episodes, not only the first ones). The list itself when
   * it has {@code n} elements or fewer.
   */
  public static <T> List<T> evenlySpaced(List<T> all, int n) {
    if (all.size() <= n) return all;
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(all.get((int) ((long) i * all.size() / n)));
    return out;
  }
}

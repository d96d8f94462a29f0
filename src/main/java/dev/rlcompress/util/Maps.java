package dev.rlcompress.util;

import java.util.LinkedHashMap;
import java.util.Map;

/** Map helpers shared across layers. */
public final class Maps {
  private Maps() {}

  /**
   * A mutable map of {@code key, value, key, value, ...} in the order given: for records written out
   * under their file names, where the order is what a reader sees (and what a hash is taken over).
   */
  public static Map<String, Object> ordered(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values come in pairs");
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }
}

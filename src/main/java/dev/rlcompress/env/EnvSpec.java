package dev.rlcompress.env;

import dev.rlcompress.util.UserError;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An environment id with its options, as Gymnasium's {@code make(id, **kwargs)} takes them. Written
 * as one string so that it travels everywhere an id does (model provenance, study specs, CLI):
 * {@code LunarLander-v3[enable_wind=true,wind_power=15]}, keys sorted, no spaces. A plain id is a spec
 * without options.
 */
public record EnvSpec(String id, SortedMap<String, String> options) {
  public EnvSpec {
    if (id == null || id.isBlank()) throw new UserError("empty environment id");
    if (id.contains("[") || id.contains("]")) throw new UserError("bad environment id '" + id + "'");
    TreeMap<String, String> copy = new TreeMap<>();
    for (var e : options.entrySet()) {
      String k = e.getKey().trim(), v = e.getValue().trim();
      if (k.isEmpty() || !k.matches("[A-Za-z_][A-Za-z0-9_]*"))
        throw new UserError("bad environment option name '" + k + "' (expected a Python keyword name like enable_wind)");
      if (v.isEmpty() || v.contains(",") || v.contains("[") || v.contains("]") || v.contains("="))
        throw new UserError("bad value '" + v + "' for environment option " + k);
      copy.put(k, v);
    }
    options = Collections.unmodifiableSortedMap(copy);
  }

  public static EnvSpec of(String id) {
    return parse(id);
  }

  /** Parses {@code Id} or {@code Id[k=v,...]}. */
  public static EnvSpec parse(String text) {
    if (text == null) throw new UserError("missing environment id");
    String t = text.trim();
    int open = t.indexOf('[');
    if (open < 0) return new EnvSpec(t, new TreeMap<>());
    if (!t.endsWith("]"))
      throw new UserError("bad environment spec '" + text + "'; expected Id[key=value,...]");
    String id = t.substring(0, open);
    String body = t.substring(open + 1, t.length() - 1);
    return new EnvSpec(id, parseOptions(body.isBlank() ? java.util.List.of() : java.util.List.of(body.split(","))));
  }

  /** {@code key=value} strings (as the CLI's {@code --env-opt} gives them) to a map; duplicates refused. */
  public static SortedMap<String, String> parseOptions(Iterable<String> pairs) {
    TreeMap<String, String> m = new TreeMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1)
        throw new UserError("bad environment option '" + p + "'; expected key=value");
      String k = p.substring(0, eq).trim();
      if (m.put(k, p.substring(eq + 1).trim()) != null)
        throw new UserError("environment option " + k + " given twice");
    }
    return m;
  }

  /** This spec with more options (later ones win). */
  public EnvSpec with(Map<String, String> more) {
    TreeMap<String, String> m = new TreeMap<>(options);
    m.putAll(more);
    return new EnvSpec(id, m);
  }

  @Override
  public String toString() {
    if (options.isEmpty()) return id;
    StringBuilder sb = new StringBuilder(id).append('[');
    boolean first = true;
    for (var e : options.entrySet()) {
      if (!first) sb.append(',');
      sb.append(e.getKey()).append('=').append(e.getValue());
      first = false;
    }
    return sb.append(']').toString();
  }
}

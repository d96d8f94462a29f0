package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An algorithm's hyperparameters: its schema ({@link Hp}: key, domain, help), defaults per
 * environment (RL Zoo's tuned values), overridden from the CLI ({@code --hp key=value}), every value
 * validated against its domain at construction and recorded verbatim in the model's provenance.
 * Unknown keys are rejected so a typo never silently trains with a default.
 */
public final class Hyperparameters {
  private final String algorithm;
  private final Map<String, Hp> schema = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();

  public Hyperparameters(String algorithm, List<Hp> schema, Map<String, String> defaults, Map<String, String> overrides) {
    this.algorithm = algorithm;
    for (Hp h : schema) this.schema.put(h.key(), h);
    for (var e : defaults.entrySet()) {
      if (!this.schema.containsKey(e.getKey()))
        throw new IllegalStateException(algorithm + " default for undeclared hyperparameter " + e.getKey());
      values.put(e.getKey(), e.getValue());
    }
    for (String k : this.schema.keySet())
      if (!values.containsKey(k)) throw new IllegalStateException(algorithm + " has no default for " + k);
    for (var e : overrides.entrySet()) {
      if (!values.containsKey(e.getKey()))
        throw new UserError("unknown " + algorithm + " hyperparameter '" + e.getKey() + "'; known: "
            + String.join(", ", values.keySet()));
      values.put(e.getKey(), e.getValue().trim());
    }
    for (var e : values.entrySet()) {
      String why = this.schema.get(e.getKey()).domain().check(e.getValue());
      if (why != null)
        throw new UserError(algorithm + " hyperparameter " + e.getKey() + " " + why + ", got '" + e.getValue() + "'");
    }
  }

  /** Fails with one line when a relation between hyperparameters does not hold. */
  public void require(boolean ok, String message) {
    if (!ok) throw new UserError(algorithm + " hyperparameters: " + message);
  }

  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  public Set<String> keys() {
    return values.keySet();
  }

  /** One line per key for {@code --show-hp}: value, domain, help. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    int w = values.keySet().stream().mapToInt(k -> (k + "=" + values.get(k)).length()).max().orElse(0);
    for (var e : values.entrySet()) {
      Hp h = schema.get(e.getKey());
      String kv = e.getKey() + "=" + e.getValue();
      lines.add(String.format("%-" + w + "s   # %s (%s)", kv, h.help(), h.domain().describe()));
    }
    return lines;
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) throw new IllegalStateException(algorithm + " has no hyperparameter " + key);
    return v;
  }

  public double dbl(String key) {
    return Double.parseDouble(string(key));
  }

  public int integer(String key) {
    long x = Long.parseLong(string(key));
    if (x > Integer.MAX_VALUE || x < Integer.MIN_VALUE)
      throw new UserError(algorithm + " hyperparameter " + key + " is too large: " + x);
    return (int) x;
  }

  public long lng(String key) {
    return Long.parseLong(string(key));
  }

  public boolean bool(String key) {
    return Boolean.parseBoolean(string(key));
  }

  /** Hidden layer widths, written like "256,256". */
  public int[] layers(String key) {
    return widths(string(key));
  }

  /** Parses layer widths such as a model's recorded {@code net_arch}; bad text is a user error. */
  public static int[] widths(String text) {
    String why = new Hp.Widths().check(text);
    if (why != null) throw new UserError("net_arch " + why + ", got '" + text + "'");
    String[] parts = text.split(",");
    int[] r = new int[parts.length];
    for (int i = 0; i < parts.length; i++) r[i] = Integer.parseInt(parts[i].trim());
    return r;
  }
}

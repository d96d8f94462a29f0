package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hyperparameters as named strings: defaults per algorithm and environment, overridden from the CLI
 * ({@code --hp key=value}), recorded verbatim in the model's provenance. Unknown keys are rejected so a
 * typo never silently trains with a default.
 */
public final class Hyperparameters {
  private final String algorithm;
  private final Map<String, String> values;

  public Hyperparameters(String algorithm, Map<String, String> defaults, Map<String, String> overrides) {
    this.algorithm = algorithm;
    this.values = new LinkedHashMap<>(defaults);
    for (var e : overrides.entrySet()) {
      if (!values.containsKey(e.getKey()))
        throw new UserError("unknown " + algorithm + " hyperparameter '" + e.getKey() + "'; known: "
            + String.join(", ", values.keySet()));
      values.put(e.getKey(), e.getValue());
    }
  }

  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  public Set<String> keys() {
    return values.keySet();
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) throw new IllegalStateException(algorithm + " has no hyperparameter " + key);
    return v;
  }

  public double dbl(String key) {
    try {
      return Double.parseDouble(string(key));
    } catch (NumberFormatException e) {
      throw new UserError(algorithm + " hyperparameter " + key + " must be a number, got '" + string(key) + "'");
    }
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw new UserError(algorithm + " hyperparameter " + key + " must be an integer, got '" + string(key) + "'");
    }
  }

  public boolean bool(String key) {
    String v = string(key);
    if (!v.equals("true") && !v.equals("false"))
      throw new UserError(algorithm + " hyperparameter " + key + " must be true or false, got '" + v + "'");
    return Boolean.parseBoolean(v);
  }

  /** Hidden layer widths, written like "256,256". */
  public int[] layers(String key) {
    String[] parts = string(key).split(",");
    int[] r = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) r[i] = Integer.parseInt(parts[i].trim());
    } catch (NumberFormatException e) {
      throw new UserError(algorithm + " hyperparameter " + key + " must be comma-separated widths like 64,64");
    }
    return r;
  }
}

package dev.rlcompress.env;

import dev.rlcompress.util.UserError;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, range-checked access to an {@link EnvSpec}'s options for an environment's constructor. Every
 * read records the key with its default, so {@link #requireAllUsed()} can refuse an option the
 * environment does not have (a typo never silently runs the default) and name the ones it has.
 */
public final class EnvOptions {
  private final EnvSpec spec;
  private final Set<String> known = new LinkedHashSet<>();

  public EnvOptions(EnvSpec spec) {
    this.spec = spec;
  }

  public EnvSpec spec() {
    return spec;
  }

  /** All options as given, for environments that pass them on unchanged (the Gymnasium bridge). */
  public Map<String, String> raw() {
    known.addAll(spec.options().keySet());
    return spec.options();
  }

  public double number(String key, double def, double min, double max) {
    double x = parseNumber(key, def);
    if (!(x >= min && x <= max))
      throw new UserError(spec.id() + " option " + key + " must be in [" + min + ", " + max + "], got " + spec.options().get(key));
    return x;
  }

  private double parseNumber(String key, double def) {
    known.add(key);
    String v = spec.options().get(key);
    if (v == null) return def;
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UserError(spec.id() + " option " + key + " must be a number, got '" + v + "'");
    }
  }

  /** Any finite number, for options Gymnasium takes unbounded (it may only warn outside a range). */
  public double finite(String key, double def) {
    double x = parseNumber(key, def);
    if (!Double.isFinite(x)) throw new UserError(spec.id() + " option " + key + " must be a finite number, got " + spec.options().get(key));
    return x;
  }

  public int integer(String key, int def, int min, int max) {
    known.add(key);
    String v = spec.options().get(key);
    if (v == null) return def;
    int x;
    try {
      x = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UserError(spec.id() + " option " + key + " must be an integer, got '" + v + "'");
    }
    if (x < min || x > max)
      throw new UserError(spec.id() + " option " + key + " must be in [" + min + ", " + max + "], got " + v);
    return x;
  }

  /** Booleans as Python or JSON write them: true/false/True/False. */
  public boolean flag(String key, boolean def) {
    known.add(key);
    String v = spec.options().get(key);
    if (v == null) return def;
    return switch (v) {
      case "true", "True" -> true;
      case "false", "False" -> false;
      default -> throw new UserError(spec.id() + " option " + key + " must be true or false, got '" + v + "'");
    };
  }

  /** Fails with one line when an option was given that the environment never read. */
  public void requireAllUsed() {
    Set<String> unknown = new TreeSet<>(spec.options().keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty())
      throw new UserError(spec.id() + " has no option " + String.join(", ", unknown)
          + (known.isEmpty() ? " (it takes none)" : "; its options: " + String.join(", ", known)));
  }
}

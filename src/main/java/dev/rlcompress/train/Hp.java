package dev.rlcompress.train;

import java.util.List;

/**
 * One hyperparameter of an algorithm: its key (as RL Zoo and Stable-Baselines3 name it), the values it
 * may take, and one line of help. Every value — default or {@code --hp} override — is checked against
 * its domain before any work starts, so {@code batch_size=0} or {@code gamma=NaN} is refused in one
 * line instead of failing deep inside training or producing an all-NaN model.
 */
public record Hp(String key, Domain domain, String help) {

  /** The values a hyperparameter may take. {@link #check} returns null when {@code v} is valid, else why not. */
  public sealed interface Domain {
    String check(String v);

    String describe();
  }

  /** Integers in [min, max]; {@code auto} (when not null) is one extra allowed value with a special meaning. */
  public record Int(long min, long max, Long auto) implements Domain {
    @Override
    public String check(String v) {
      Long x = parsed(v, Long::valueOf);
      if (x == null) return "must be an integer";
      if (x.equals(auto)) return null;
      if (x > max && max == Integer.MAX_VALUE) return "must be " + describe() + " (at most " + max + ")";
      return x >= min && x <= max ? null : "must be " + describe();
    }

    @Override
    public String describe() {
      String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "an integer ≥ " + min : "an integer in [" + min + ", " + max + "]";
      return auto == null ? range : range + " or " + auto;
    }
  }

  /** Finite reals in the interval from min to max; {@code minOpen} excludes min itself. */
  public record Real(double min, boolean minOpen, double max) implements Domain {
    @Override
    public String check(String v) {
      Double x = parsed(v, Double::valueOf);
      if (x == null) return "must be a number";
      if (!Double.isFinite(x)) return "must be a finite number";
      boolean lowOk = minOpen ? x > min : x >= min;
      return lowOk && x <= max ? null : "must be " + describe();
    }

    @Override
    public String describe() {
      String lo = (minOpen ? "(" : "[") + fmt(min);
      return max == Double.MAX_VALUE ? (minOpen ? "> " : "≥ ") + fmt(min) : "in " + lo + ", " + fmt(max) + "]";
    }

    private static String fmt(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }

  public record Flag() implements Domain {
    @Override
    public String check(String v) {
      return v.equals("true") || v.equals("false") ? null : "must be true or false";
    }

    @Override
    public String describe() {
      return "true or false";
    }
  }

  public record Choice(List<String> values) implements Domain {
    @Override
    public String check(String v) {
      return values.contains(v) ? null : "must be one of " + String.join(", ", values);
    }

    @Override
    public String describe() {
      return "one of " + String.join(", ", values);
    }
  }

  /** Hidden layer widths such as {@code 256,256}: one or more integers in [1, 65536]. */
  public record Widths() implements Domain {
    @Override
    public String check(String v) {
      String[] parts = v.split(",");
      for (String p : parts) {
        try {
          int w = Integer.parseInt(p.trim());
          if (w < 1 || w > 65536) return "must be comma-separated widths in [1, 65536]";
        } catch (NumberFormatException e) {
          return "must be comma-separated layer widths like 64,64";
        }
      }
      return null;
    }

    @Override
    public String describe() {
      return "comma-separated widths, e.g. 256,256";
    }
  }

  /** {@code v} (trimmed) read by {@code parse}, or null when it is not such a number: the domains' first check. */
  private static <T> T parsed(String v, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An integer key held in an int (sizes, counts, frequencies). */
  public static Hp integer(String key, long min, String help) {
    return new Hp(key, new Int(min, Integer.MAX_VALUE, null), help);
  }

  /** An integer key that may exceed an int (step budgets). */
  public static Hp count(String key, long min, String help) {
    return new Hp(key, new Int(min, Long.MAX_VALUE, null), help);
  }

  public static Hp positive(String key, String help) {
    return new Hp(key, new Real(0, true, Double.MAX_VALUE), help);
  }

  public static Hp fraction(String key, String help) {
    return new Hp(key, new Real(0, false, 1), help);
  }

  public static Hp nonNegative(String key, String help) {
    return new Hp(key, new Real(0, false, Double.MAX_VALUE), help);
  }

  public static Hp flag(String key, String help) {
    return new Hp(key, new Flag(), help);
  }

  /** The keys every trainer has: budget, network, evaluation-based selection and checkpoints. */
  static List<Hp> common() {
    return List.of(
        count("n_timesteps", 1, "environment steps of a run (--steps overrides)"),
        new Hp("net_arch", new Widths(), "hidden layer widths"),
        positive("learning_rate", "Adam step size"),
        fraction("gamma", "discount factor"),
        count("eval_freq", 0, "steps between training-time evaluations that select the best policy (0: off)"),
        integer("eval_episodes", 0, "episodes per training-time evaluation (0: off)"),
        count("checkpoint_freq", 1, "steps between checkpoints in --out (what --resume continues from)"));
  }
}

package dev.rlcompress.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compression vocabulary a study spec may use: method names and, per option, its type, domain and
 * the methods it applies to. The study owns this vocabulary (and checks it before any work) so that a
 * spec stays readable and stable while the library's option types evolve; {@link CellExecutor} maps
 * it onto the library.
 */
public final class Methods {
  private Methods() {}

  public static final List<String> QUANTIZE = List.of("ptdq", "ptsq", "fp16", "qat", "binary", "int4");
  public static final List<String> PRUNE = List.of("l1-unstructured", "l1", "l2", "group", "random");

  /** The type and domain of one option value. */
  public sealed interface Domain {
    /** @return null when {@code raw} is acceptable, else why not */
    String check(String raw);

    record Bool() implements Domain {
      public String check(String raw) {
        return raw.equals("true") || raw.equals("false") ? null : "expected true or false, got '" + raw + "'";
      }
    }

    record Int(long min, long max) implements Domain {
      public String check(String raw) {
        try {
          long v = Long.parseLong(raw);
          return v < min || v > max ? v + " is out of range [" + min + ", " + max + "]" : null;
        } catch (NumberFormatException e) {
          return "expected an integer, got '" + raw + "'";
        }
      }
    }

    record Real(double minExclusive, double max) implements Domain {
      public String check(String raw) {
        try {
          double v = Double.parseDouble(raw);
          return !(v > minExclusive && v <= max) ? v + " is out of range (" + minExclusive + ", " + max + "]" : null;
        } catch (NumberFormatException e) {
          return "expected a number, got '" + raw + "'";
        }
      }
    }

    record OneOf(List<String> values) implements Domain {
      public String check(String raw) {
        return values.contains(raw) ? null : "'" + raw + "' is not one of " + String.join(", ", values);
      }
    }
  }

  /** An option: its domain and the methods that read it. */
  public record Option(Domain domain, Set<String> methods) {}

  /** Quantization options, named as in {@code rlc quantize}'s flags (snake_case). */
  public static final Map<String, Option> QUANTIZE_OPTIONS = options(
      "per_channel", new Option(new Domain.Bool(), Set.of("ptdq", "ptsq", "qat")),
      "observer", new Option(new Domain.OneOf(List.of("minmax", "moving-average", "percentile", "mse")), Set.of("ptsq", "qat")),
      "calibration_episodes", new Option(new Domain.Int(1, 10_000), Set.of("ptsq", "qat", "binary")),
      "part", new Option(new Domain.OneOf(List.of("features", "head", "all")), Set.copyOf(QUANTIZE)),
      "block_size", new Option(new Domain.Int(8, 4096), Set.of("int4")),
      "full_fp16", new Option(new Domain.Bool(), Set.of("fp16")),
      "finetune_steps", new Option(new Domain.Int(0, 10_000_000), Set.of("qat", "binary")),
      "equalize_inputs", new Option(new Domain.Bool(), Set.of("ptdq", "ptsq")),
      "center_outputs", new Option(new Domain.Bool(), Set.copyOf(QUANTIZE)),
      "distill_temperature", new Option(new Domain.Real(0, 1e6), Set.of("qat", "binary")));

  /** Pruning options, named as in {@code rlc prune}'s flags (snake_case). */
  public static final Map<String, Option> PRUNE_OPTIONS = options(
      "global", new Option(new Domain.Bool(), Set.of("l1-unstructured")),
      "finetune_steps", new Option(new Domain.Int(0, 10_000_000), Set.copyOf(PRUNE)),
      "iterations", new Option(new Domain.Int(1, 1000), Set.copyOf(PRUNE)),
      "calibration_episodes", new Option(new Domain.Int(1, 10_000), Set.copyOf(PRUNE)));

  private static Map<String, Option> options(Object... kv) {
    Map<String, Option> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Option) kv[i + 1]);
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Problems with {@code options} for {@code method} of a family: unknown options, options the method
   * does not read, values out of their domain. Empty when all is well.
   */
  public static List<String> check(Map<String, Option> family, String method, Map<String, String> options) {
    List<String> errors = new java.util.ArrayList<>();
    options.forEach((k, v) -> {
      Option o = family.get(k);
      if (o == null) errors.add("unknown option '" + k + "'; known: " + String.join(", ", family.keySet()));
      else if (!o.methods().contains(method)) errors.add("option '" + k + "' does not apply to " + method);
      else {
        String why = o.domain().check(v);
        if (why != null) errors.add("option '" + k + "': " + why);
      }
    });
    return errors;
  }
}

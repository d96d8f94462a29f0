package dev.rlcompress.model;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One step of a model's compression history: which family of transformation, which method, which part
 * of the network, and the method's parameters (ratio, observer, fine-tuning steps, …) as text in a
 * stable order. Sealed, so code that reads a history (is this model quantized? was it equalized?)
 * matches on kinds instead of string prefixes, and every step an operation performs is recorded as its
 * own entry rather than as a suffix of another one.
 */
public sealed interface CompressionStep
    permits CompressionStep.Quantization, CompressionStep.Pruning, CompressionStep.Reparametrization,
        CompressionStep.Search, CompressionStep.Unrecognized {

  /** The family: "quantization", "pruning", "reparametrization", "search", "unrecognized". */
  String kind();

  /** The method within the family, e.g. "ptsq", "structured-l2", "input-equalization". */
  String method();

  Part part();

  Map<String, String> parameters();

  /** One line for people: {@code quantization ptsq part=all observer=minmax …}. */
  default String describe() {
    StringJoiner j = new StringJoiner(" ");
    j.add(kind()).add(method()).add("part=" + part().label());
    parameters().forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  /** Weights stored in a quantized form (int8, fp16, int4, binary). */
  record Quantization(String method, Part part, Map<String, String> parameters) implements CompressionStep {
    public Quantization {
      parameters = copy(parameters);
    }

    public String kind() {
      return "quantization";
    }
  }

  /** Weights or whole units removed (unstructured, structured, iterative, lottery ticket). */
  record Pruning(String method, Part part, Map<String, String> parameters) implements CompressionStep {
    public Pruning {
      parameters = copy(parameters);
    }

    public String kind() {
      return "pruning";
    }
  }

  /**
   * An exact (in real arithmetic) rewrite that prepares a model for compression: input equalization,
   * output centering. Its outputs or greedy actions equal the original's, but its weights differ.
   */
  record Reparametrization(String method, Part part, Map<String, String> parameters) implements CompressionStep {
    public Reparametrization {
      parameters = copy(parameters);
    }

    public String kind() {
      return "reparametrization";
    }
  }

  /**
   * The search that chose the steps before it (e.g. {@code rlc compress}): its objective, constraint,
   * budget and the decisions it took, so a model says why it was compressed the way it was.
   */
  record Search(String method, Part part, Map<String, String> parameters) implements CompressionStep {
    public Search {
      parameters = copy(parameters);
    }

    public String kind() {
      return "search";
    }
  }

  /** A history entry this version cannot interpret, kept verbatim. */
  record Unrecognized(String text) implements CompressionStep {
    public String kind() {
      return "unrecognized";
    }

    public String method() {
      return text;
    }

    public Part part() {
      return Part.ALL;
    }

    public Map<String, String> parameters() {
      return Map.of();
    }

    @Override
    public String describe() {
      return text;
    }
  }

  /** A ratio or rate with every digit it has and no trailing zeros: 0.999 stays 0.999, 0.5 is 0.5. */
  static String number(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) return Double.toString(x);
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  private static Map<String, String> copy(Map<String, String> p) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(p));
  }
}

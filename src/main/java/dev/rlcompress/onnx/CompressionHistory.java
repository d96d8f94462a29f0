package dev.rlcompress.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Part;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rlc.compression} metadata entry: a JSON array with one object per step ({@code kind},
 * {@code method}, {@code part}, {@code parameters}). Files written before typed provenance hold one
 * colon-separated string per step ({@code "quantize:ptsq:ptsq-int8-per-channel:part=all:…"}); those are
 * parsed into the same records so old models still load and are still recognised as quantized.
 */
final class CompressionHistory {
  private CompressionHistory() {}

  static JsonArray toJson(List<CompressionStep> steps) {
    JsonArray a = new JsonArray();
    for (CompressionStep s : steps) {
      if (s instanceof CompressionStep.Unrecognized u) {
        a.add(u.text());
        continue;
      }
      JsonObject o = new JsonObject();
      o.addProperty("kind", s.kind());
      o.addProperty("method", s.method());
      o.addProperty("part", s.part().label());
      JsonObject p = new JsonObject();
      s.parameters().forEach(p::addProperty);
      o.add("parameters", p);
      a.add(o);
    }
    return a;
  }

  static List<CompressionStep> parse(String json) {
    JsonArray a;
    try {
      a = JsonParser.parseString(json).getAsJsonArray();
    } catch (JsonParseException | IllegalStateException e) {
      throw new UserError("the model's compression history (" + ModelFormat.COMPRESSION + ") is not a JSON array");
    }
    List<CompressionStep> out = new ArrayList<>();
    for (JsonElement e : a) {
      if (e.isJsonPrimitive()) out.addAll(legacy(e.getAsString()));
      else out.add(step(e.getAsJsonObject()));
    }
    return out;
  }

  private static CompressionStep step(JsonObject o) {
    String kind = o.get("kind").getAsString(), method = o.get("method").getAsString();
    Part part = Part.parse(o.get("part").getAsString());
    Map<String, String> params = new LinkedHashMap<>();
    if (o.has("parameters")) for (var e : o.getAsJsonObject("parameters").entrySet()) params.put(e.getKey(), e.getValue().getAsString());
    return switch (kind) {
      case "quantization" -> new CompressionStep.Quantization(method, part, params);
      case "pruning" -> new CompressionStep.Pruning(method, part, params);
      case "reparametrization" -> new CompressionStep.Reparametrization(method, part, params);
      case "search" -> new CompressionStep.Search(method, part, params);
      default -> new CompressionStep.Unrecognized(o.toString());
    };
  }

  /**
   * One pre-typed history string as steps. The old quantizer wrote equalization and centering as flags
   * of the quantization string (and for ptsq, qat and binary dropped them); they become steps of their
   * own, in the order they were applied (centering, then equalization, then quantization).
   */
  static List<CompressionStep> legacy(String text) {
    String[] t = text.split(":");
    List<String> positional = new ArrayList<>();
    Map<String, String> params = new LinkedHashMap<>();
    Part part = Part.ALL;
    List<CompressionStep> before = new ArrayList<>();
    for (int i = 1; i < t.length; i++) {
      String tok = t[i];
      int eq = tok.indexOf('=');
      if (eq < 0) {
        switch (tok) {
          case "centered-outputs" -> before.add(new CompressionStep.Reparametrization("output-centering", Part.HEAD, Map.of()));
          case "equalized-inputs" -> before.add(new CompressionStep.Reparametrization("input-equalization", Part.ALL, Map.of()));
          case "global" -> params.put("global", "true");
          default -> positional.add(tok);
        }
      } else if (tok.startsWith("part=")) {
        part = Part.parse(tok.substring(5));
      } else {
        params.put(tok.substring(0, eq), tok.substring(eq + 1));
      }
    }
    try {
      List<CompressionStep> out = new ArrayList<>(before);
      switch (t[0]) {
        case "quantize" -> {
          // quantize:<method>:<scheme>
          params.put("scheme", positional.get(1));
          out.add(new CompressionStep.Quantization(positional.get(0), part, params));
        }
        case "prune" -> out.add(legacyPruning(positional, part, params));
        default -> out.add(new CompressionStep.Unrecognized(text));
      }
      return out;
    } catch (IndexOutOfBoundsException | UserError e) {
      return List.of(new CompressionStep.Unrecognized(text));
    }
  }

  private static CompressionStep legacyPruning(List<String> pos, Part part, Map<String, String> params) {
    Map<String, String> p = new LinkedHashMap<>();
    String method = switch (pos.get(0)) {
      case "structured" -> { // structured:<importance>:<ratio>
        p.put("ratio", pos.get(2));
        yield "structured-" + pos.get(1);
      }
      case "unstructured" -> { // unstructured:l1:<ratio>
        p.put("ratio", pos.get(2));
        yield "unstructured-" + pos.get(1);
      }
      case "iterative" -> { // iterative:<l1-unstructured|importance>:<target>
        p.put("ratio", pos.get(2));
        yield pos.get(1).equals("l1-unstructured") ? "unstructured-l1" : "structured-" + pos.get(1);
      }
      case "lottery-ticket" -> { // lottery-ticket:rewound-to-init
        p.put("rewound-to", "init");
        yield "lottery-ticket";
      }
      default -> throw new UserError("unknown pruning method " + pos.get(0));
    };
    p.putAll(params);
    return new CompressionStep.Pruning(method, part, p);
  }
}

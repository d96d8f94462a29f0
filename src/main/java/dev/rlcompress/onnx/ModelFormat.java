package dev.rlcompress.onnx;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata_props} keys rl-compress writes into every ONNX file, and their JSON encoding.
 * Any ONNX Runtime can run the file; these keys let rl-compress know which environment it serves, how
 * to read an action from its output and what was done to it.
 */
public final class ModelFormat {
  public static final String FORMAT = "rlc.format";
  public static final String ALGORITHM = "rlc.algorithm";
  public static final String ENV = "rlc.env";
  public static final String SEED = "rlc.seed";
  public static final String TRAIN_STEPS = "rlc.train_steps";
  public static final String HYPERPARAMETERS = "rlc.hyperparameters";
  public static final String COMPRESSION = "rlc.compression";
  public static final String ARCHITECTURE = "rlc.architecture";
  public static final String ACTION_OUTPUT = "rlc.action_output";
  public static final String ACTION_HEAD = "rlc.action_head";
  public static final String INPUT_SHAPE = "rlc.input_shape";

  public static final String INPUT_NAME = "obs";

  public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** For reports: keeps keys whose value does not apply, as null, so every documented field is present. */
  public static final Gson REPORT_GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private ModelFormat() {}

  /** Metadata describing {@code m}; the architecture entry lets the importer rebuild the model. */
  public static Map<String, String> metadata(PolicyModel m) {
    Provenance p = m.provenance();
    Map<String, String> md = new LinkedHashMap<>();
    md.put(FORMAT, "1");
    md.put(ALGORITHM, p.algorithm());
    md.put(ENV, p.envId());
    md.put(SEED, Long.toString(p.seed()));
    md.put(TRAIN_STEPS, Long.toString(p.trainSteps()));
    md.put(HYPERPARAMETERS, GSON.toJson(p.hyperparameters()));
    md.put(COMPRESSION, CompressionHistory.toJson(p.compression()).toString());
    md.put(INPUT_SHAPE, GSON.toJson(m.inputShape()));
    md.put(ACTION_OUTPUT, m.actionHead().name());
    md.put(ACTION_HEAD, headKindJson(m.actionHead().kind()).toString());
    md.put(ARCHITECTURE, architecture(m).toString());
    return md;
  }

  public static Provenance provenance(Map<String, String> md) {
    Map<String, String> hp =
        GSON.fromJson(md.getOrDefault(HYPERPARAMETERS, "{}"), new TypeToken<LinkedHashMap<String, String>>() {}.getType());
    List<CompressionStep> comp = CompressionHistory.parse(md.getOrDefault(COMPRESSION, "[]"));
    return new Provenance(
        md.getOrDefault(ALGORITHM, "unknown"),
        md.getOrDefault(ENV, ""),
        Long.parseLong(md.getOrDefault(SEED, "0")),
        hp,
        Long.parseLong(md.getOrDefault(TRAIN_STEPS, "0")),
        comp);
  }

  public static JsonObject headKindJson(HeadKind k) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", k.tag());
    switch (k) {
      case HeadKind.Gaussian g -> {
        o.add("log_std", GSON.toJsonTree(g.logStd()));
        o.add("low", GSON.toJsonTree(g.low()));
        o.add("high", GSON.toJsonTree(g.high()));
      }
      case HeadKind.TanhAction t -> {
        o.add("low", GSON.toJsonTree(t.low()));
        o.add("high", GSON.toJsonTree(t.high()));
      }
      default -> {}
    }
    return o;
  }

  public static HeadKind headKind(JsonObject o) {
    return switch (o.get("kind").getAsString()) {
      case "q_values" -> new HeadKind.QValues();
      case "categorical" -> new HeadKind.Categorical();
      case "value" -> new HeadKind.Value();
      case "gaussian" -> new HeadKind.Gaussian(GSON.fromJson(o.get("log_std"), float[].class),
          GSON.fromJson(o.get("low"), float[].class), GSON.fromJson(o.get("high"), float[].class));
      case "tanh_action" ->
          new HeadKind.TanhAction(GSON.fromJson(o.get("low"), float[].class), GSON.fromJson(o.get("high"), float[].class));
      default -> throw new IllegalArgumentException("unknown head kind " + o.get("kind"));
    };
  }

  static JsonObject architecture(PolicyModel m) {
    JsonObject a = new JsonObject();
    a.add("input_shape", GSON.toJsonTree(m.inputShape()));
    a.addProperty("normalized", m.normalization() != null);
    if (m.normalization() != null) a.addProperty("clip", m.normalization().clip());
    a.add("trunk", layers(m.trunk()));
    JsonArray heads = new JsonArray();
    for (Head h : m.heads()) {
      JsonObject ho = new JsonObject();
      ho.addProperty("name", h.name());
      ho.add("kind", headKindJson(h.kind()));
      ho.add("layers", layers(h.layers()));
      heads.add(ho);
    }
    a.add("heads", heads);
    return a;
  }

  private static JsonArray layers(List<Layer> ls) {
    JsonArray arr = new JsonArray();
    for (Layer l : ls) {
      JsonObject o = new JsonObject();
      switch (l) {
        case Layer.Linear lin -> {
          o.addProperty("type", "linear");
          o.addProperty("in", lin.in());
          o.addProperty("out", lin.out());
        }
        case Layer.Conv2d c -> {
          o.addProperty("type", "conv2d");
          o.addProperty("in", c.inChannels());
          o.addProperty("out", c.outChannels());
          o.addProperty("kernel", c.kernel());
          o.addProperty("stride", c.stride());
          o.addProperty("padding", c.padding());
        }
        case Layer.Activation act -> o.addProperty("type", act.kind().name().toLowerCase());
        case Layer.Flatten f -> o.addProperty("type", "flatten");
      }
      arr.add(o);
    }
    return arr;
  }

  /** Description of a layer in the architecture JSON, resolved against weights by initializer name. */
  record LayerSpec(JsonObject json, LayerId id) {
    String prefix() {
      return id.toString();
    }
  }

  static List<LayerSpec> layerSpecs(JsonElement arr, String branch) {
    List<LayerSpec> out = new ArrayList<>();
    int i = 0;
    for (JsonElement e : arr.getAsJsonArray()) out.add(new LayerSpec(e.getAsJsonObject(), new LayerId(branch, i++)));
    return out;
  }

  /**
   * Parameters (weights and biases) of each weighted layer, from the architecture entry of {@code md}:
   * what the model is, whatever form its tensors are stored in (fp32, int8, packed int4, sparse).
   * Empty when the metadata has no architecture.
   */
  public static Map<LayerId, Long> parameterCounts(Map<String, String> md) {
    Map<LayerId, Long> out = new LinkedHashMap<>();
    if (!md.containsKey(ARCHITECTURE)) return out;
    JsonObject a = com.google.gson.JsonParser.parseString(md.get(ARCHITECTURE)).getAsJsonObject();
    List<LayerSpec> specs = new ArrayList<>(layerSpecs(a.get("trunk"), LayerId.TRUNK));
    for (JsonElement h : a.getAsJsonArray("heads"))
      specs.addAll(layerSpecs(h.getAsJsonObject().get("layers"), h.getAsJsonObject().get("name").getAsString()));
    for (LayerSpec s : specs) {
      JsonObject o = s.json();
      long in = o.has("in") ? o.get("in").getAsLong() : 0, outUnits = o.has("out") ? o.get("out").getAsLong() : 0;
      switch (o.get("type").getAsString()) {
        case "linear" -> out.put(s.id(), in * outUnits + outUnits);
        case "conv2d" -> {
          long k = o.get("kernel").getAsLong();
          out.put(s.id(), outUnits * in * k * k + outUnits);
        }
        default -> {}
      }
    }
    return out;
  }

  /**
   * The first stored weight (fp32 or fp16 initializer, dense or sparse) that is NaN or infinite, by
   * tensor name; null when every one is finite. A model with such a weight evaluates to garbage that
   * can look plausible, so loading refuses it.
   */
  public static String firstNonFinite(ai.onnx.proto.OnnxMl.ModelProto proto) {
    for (var t : proto.getGraph().getInitializerList()) if (!finite(t)) return t.getName();
    for (var sp : proto.getGraph().getSparseInitializerList()) if (!finite(sp.getValues())) return sp.getValues().getName();
    return null;
  }

  private static boolean finite(ai.onnx.proto.OnnxMl.TensorProto t) {
    var b = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (t.getDataType()) {
      case ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE -> {
        for (float f : t.getFloatDataList()) if (!Float.isFinite(f)) return false;
        while (b.remaining() >= 4) if (!Float.isFinite(b.getFloat())) return false;
      }
      case ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE -> {
        while (b.remaining() >= 2) if ((b.getShort() & 0x7c00) == 0x7c00) return false; // exponent all ones: Inf or NaN
      }
      default -> {}
    }
    return true;
  }

  /** The history as one line: each step's {@link CompressionStep#describe()}, separated by "; ". */
  public static String describe(List<CompressionStep> steps) {
    return steps.stream().map(CompressionStep::describe).collect(java.util.stream.Collectors.joining("; "));
  }

  /**
   * Fails with one line when the graph's observation input is not the shape the metadata describes
   * (a hand-edited or mismatched file): the batch dimension aside, every dimension must match.
   */
  public static void checkGraphInput(ai.onnx.proto.OnnxMl.ModelProto proto, int[] inputShape, String source) {
    var input = proto.getGraph().getInputList().stream().filter(i -> i.getName().equals(INPUT_NAME)).findFirst();
    if (input.isEmpty()) throw new dev.rlcompress.util.UserError(source + " has no graph input named " + INPUT_NAME);
    var dims = input.get().getType().getTensorType().getShape().getDimList();
    boolean ok = dims.size() == inputShape.length + 1;
    for (int i = 0; ok && i < inputShape.length; i++)
      ok = !dims.get(i + 1).hasDimValue() || dims.get(i + 1).getDimValue() == inputShape[i];
    if (!ok) {
      List<String> g = new ArrayList<>();
      for (var d : dims) g.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam());
      throw new dev.rlcompress.util.UserError(source + ": graph and metadata disagree: the graph's input is " + g
          + ", the metadata's observation shape " + java.util.Arrays.toString(inputShape));
    }
  }

  public static Map<String, String> toMap(List<ai.onnx.proto.OnnxMl.StringStringEntryProto> props) {
    Map<String, String> m = new HashMap<>();
    for (var p : props) m.put(p.getKey(), p.getValue());
    return m;
  }
}

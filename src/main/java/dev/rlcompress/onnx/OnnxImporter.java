package dev.rlcompress.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Normalization;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an fp32 rl-compress ONNX file back into a {@link PolicyModel}, so compression can start from
 * any exported policy. Compressed graphs (int8, fp16, …) are runnable but not re-importable: their
 * weights are no longer the fp32 originals.
 */
public final class OnnxImporter {
  private OnnxImporter() {}

  /** Reads and parses an ONNX file; every way it can be unreadable is one user-facing line. */
  public static ModelProto readProto(Path path) {
    return parse(readBytes(path), path.toString());
  }

  /** The bytes of a model file; a missing file, a directory or an unreadable file is one user-facing line. */
  public static byte[] readBytes(Path path) {
    if (Files.isDirectory(path)) throw new UserError(path + " is a directory, not a model file");
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new UserError("model file not found: " + path);
    } catch (IOException e) {
      throw new UserError("cannot read " + path + ": " + e.getMessage());
    }
  }

  /** Parses model bytes; {@code source} names them in errors. */
  public static ModelProto parse(byte[] bytes, String source) {
    try {
      ModelProto proto = ModelProto.parseFrom(bytes);
      if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0)
        throw new UserError(source + " is not an ONNX model (no graph)");
      return proto;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new UserError(source + " is not a valid ONNX model (corrupt or not protobuf)");
    }
  }

  public static PolicyModel read(Path path) {
    return read(readProto(path), path.toString());
  }

  /**
   * Rebuilds the fp32 policy from a parsed graph and its metadata, checking that the two agree (tensor
   * shapes, input shape) and that every weight is finite.
   */
  public static PolicyModel read(ModelProto proto, String source) {
    Map<String, String> md = ModelFormat.toMap(proto.getMetadataPropsList());
    if (!md.containsKey(ModelFormat.ARCHITECTURE))
      throw new UserError(source + " has no rl-compress metadata; only models written by rlc can be transformed");
    Provenance provenance = ModelFormat.provenance(md);
    if (provenance.quantized() || !fp32Only(proto))
      throw new UserError(source + " holds compressed weights (" + ModelFormat.describe(provenance.compression())
          + "); start compression from the fp32 model");
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : proto.getGraph().getInitializerList()) inits.put(t.getName(), t);
    for (var sp : proto.getGraph().getSparseInitializerList()) {
      float[] dense = SparseStorage.densify(sp);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(dense.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(dense);
      TensorProto.Builder t = TensorProto.newBuilder().setName(sp.getValues().getName())
          .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(com.google.protobuf.ByteString.copyFrom(b.array()));
      t.addAllDims(sp.getDimsList());
      inits.put(t.getName(), t.build());
    }
    PolicyModel m;
    try {
      JsonObject a = JsonParser.parseString(md.get(ModelFormat.ARCHITECTURE)).getAsJsonObject();
      int[] inputShape = ModelFormat.GSON.fromJson(a.get("input_shape"), int[].class);
      ModelFormat.checkGraphInput(proto, inputShape, source);
      Normalization norm = null;
      if (a.get("normalized").getAsBoolean())
        norm = new Normalization(floats(inits, "norm.mean", source), floats(inits, "norm.std", source), a.get("clip").getAsFloat());
      List<Layer> trunk = layers(a.get("trunk"), LayerId.TRUNK, inits, source);
      List<Head> heads = new ArrayList<>();
      for (var he : a.getAsJsonArray("heads")) {
        JsonObject h = he.getAsJsonObject();
        String name = h.get("name").getAsString();
        heads.add(new Head(name, ModelFormat.headKind(h.getAsJsonObject("kind")), layers(h.get("layers"), name, inits, source)));
      }
      m = new PolicyModel(inputShape, norm, trunk, heads, provenance);
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException | com.google.gson.JsonParseException e) {
      throw new UserError(source + ": graph and metadata disagree (" + e.getMessage() + ")");
    }
    return m.requireFinite(source);
  }

  private static boolean fp32Only(ModelProto proto) {
    for (TensorProto t : proto.getGraph().getInitializerList())
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE && t.getDataType() != TensorProto.DataType.INT64_VALUE)
        return false;
    return true;
  }

  private static List<Layer> layers(com.google.gson.JsonElement arr, String branch, Map<String, TensorProto> inits, String path) {
    List<Layer> out = new ArrayList<>();
    for (ModelFormat.LayerSpec s : ModelFormat.layerSpecs(arr, branch)) {
      JsonObject o = s.json();
      out.add(switch (o.get("type").getAsString()) {
        case "linear" -> new Layer.Linear(o.get("in").getAsInt(), o.get("out").getAsInt(),
            floats(inits, s.prefix() + ".weight", path), floats(inits, s.prefix() + ".bias", path));
        case "conv2d" -> new Layer.Conv2d(o.get("in").getAsInt(), o.get("out").getAsInt(), o.get("kernel").getAsInt(),
            o.get("stride").getAsInt(), o.get("padding").getAsInt(),
            floats(inits, s.prefix() + ".weight", path), floats(inits, s.prefix() + ".bias", path));
        case "relu" -> new Layer.Activation(Layer.Activation.Kind.RELU);
        case "tanh" -> new Layer.Activation(Layer.Activation.Kind.TANH);
        case "flatten" -> new Layer.Flatten();
        default -> throw new UserError(path + ": unknown layer type " + o.get("type"));
      });
    }
    return out;
  }

  static float[] floats(Map<String, TensorProto> inits, String name, String path) {
    TensorProto t = inits.get(name);
    if (t == null) throw new UserError(path + " lacks the fp32 tensor " + name + "; it is not an fp32 rl-compress model");
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE)
      throw new UserError(path + ": tensor " + name + " is not fp32; start from the fp32 model");
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[b.remaining() / 4];
      b.asFloatBuffer().get(f);
      return f;
    }
    float[] f = new float[t.getFloatDataCount()];
    for (int i = 0; i < f.length; i++) f[i] = t.getFloatData(i);
    return f;
  }
}

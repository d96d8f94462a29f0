package dev.rlcompress.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.LayerId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Size, parameters and sparsity of a model, counted the same way for every variant (fp32, fp16, int8,
 * int4, binary, sparse). Parameters are the weights and biases of the layers the model's architecture
 * metadata describes: a property of the network, not of how its tensors are stored (int4 packs two
 * weights per byte, a sparse file lists only nonzeros). Zeros are counted in the stored weight and bias
 * tensors where a zero is visible without decoding (fp32, fp16, int8; not packed int4 or int32 biases);
 * quantization scales and zero points and normalization constants are neither.
 */
public record ModelStats(long sizeBytes, long params, long zeros) {
  public double sparsity() {
    return params == 0 ? 0 : (double) zeros / params;
  }

  /** Stats of a model file. */
  public static ModelStats of(java.nio.file.Path path) {
    byte[] bytes = OnnxImporter.readBytes(path);
    return of(OnnxImporter.parse(bytes, path.toString()), bytes.length);
  }

  /** Stats of {@code proto}, whose serialized form takes {@code sizeBytes}. */
  public static ModelStats of(ModelProto proto, long sizeBytes) {
    Map<LayerId, Long> counts = ModelFormat.parameterCounts(ModelFormat.toMap(proto.getMetadataPropsList()));
    long params = 0;
    for (long c : counts.values()) params += c;
    long zeros = 0;
    for (TensorProto t : proto.getGraph().getInitializerList())
      if (isLayerTensor(t.getName(), counts)) zeros += countZeros(t);
    for (var sp : proto.getGraph().getSparseInitializerList()) {
      if (!isLayerTensor(sp.getValues().getName(), counts)) continue;
      long count = 1;
      for (long d : sp.getDimsList()) count *= d;
      zeros += count - sp.getValues().getDims(0);
    }
    return new ModelStats(sizeBytes, params, zeros);
  }

  /** A weight or bias tensor of a described layer ("q.0.weight_quantized"), not its scales or zero points. */
  private static boolean isLayerTensor(String name, Map<LayerId, Long> layers) {
    if (name.endsWith("_scale") || name.endsWith("_zero_point")) return false;
    int dot = name.indexOf('.', name.indexOf('.') + 1);
    if (dot < 0) return false;
    String prefix = name.substring(0, dot);
    for (LayerId id : layers.keySet()) if (id.toString().equals(prefix)) return true;
    return false;
  }

  private static long countZeros(TensorProto t) {
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long z = 0;
    switch (t.getDataType()) {
      case TensorProto.DataType.FLOAT_VALUE -> {
        if (t.getRawData().isEmpty()) {
          for (float f : t.getFloatDataList()) if (f == 0f) z++;
        } else {
          while (b.remaining() >= 4) if (b.getFloat() == 0f) z++;
        }
      }
      case TensorProto.DataType.FLOAT16_VALUE -> {
        while (b.remaining() >= 2) if ((b.getShort() & 0x7fff) == 0) z++;
      }
      case TensorProto.DataType.INT8_VALUE -> {
        while (b.hasRemaining()) if (b.get() == 0) z++;
      }
      default -> {} // packed or wider integer formats: zero-point dependent or not weights, not counted
    }
    return z;
  }
}

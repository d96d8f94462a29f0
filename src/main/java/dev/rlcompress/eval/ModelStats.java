package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Size and sparsity of a model file, read from its initializers so every variant (fp32, fp16, int8,
 * sparse) is counted the same way. Parameters are the elements of weight and bias tensors; quantization
 * scales and zero points ({@code *_scale}, {@code *_zero_point}), normalization constants
 * ({@code norm.*}) and shape constants are not parameters.
 */
public record ModelStats(long sizeBytes, long params, long zeros) {
  public double sparsity() {
    return params == 0 ? 0 : (double) zeros / params;
  }

  public static ModelStats of(Path path) {
    ModelProto proto = OnnxImporter.readProto(path);
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      size = -1;
    }
    long params = 0, zeros = 0;
    for (TensorProto t : proto.getGraph().getInitializerList()) {
      String n = t.getName();
      if (n.startsWith("norm.") || n.endsWith("_scale") || n.endsWith("_zero_point") || n.startsWith("const.")) continue;
      long count = 1;
      for (long d : t.getDimsList()) count *= d;
      if (t.getDataType() == TensorProto.DataType.INT64_VALUE) continue; // indices and shapes
      params += count;
      zeros += countZeros(t, count);
    }
    for (var sp : proto.getGraph().getSparseInitializerList()) {
      long count = 1;
      for (long d : sp.getDimsList()) count *= d;
      long nnz = sp.getValues().getDims(0);
      params += count;
      zeros += count - nnz;
    }
    return new ModelStats(size, params, zeros);
  }

  private static long countZeros(TensorProto t, long count) {
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
      case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.INT16_VALUE, TensorProto.DataType.UINT16_VALUE -> {
        while (b.remaining() >= 2) if ((b.getShort() & 0x7fff) == 0) z++;
      }
      case TensorProto.DataType.INT8_VALUE -> {
        while (b.hasRemaining()) if (b.get() == 0) z++;
      }
      default -> {} // packed or unsigned formats: zero-point dependent, not counted
    }
    return z;
  }
}

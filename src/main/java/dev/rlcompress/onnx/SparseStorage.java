package dev.rlcompress.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stores sparse weights as ONNX {@code sparse_initializer}s: the nonzero values plus their linearized
 * positions. Positions are int32 where the tensor allows (ONNX Runtime accepts int8..int64 indices), so
 * a weight costs 8 bytes instead of 4: the file shrinks only above 50% sparsity. ONNX Runtime densifies
 * sparse initializers at load, so this changes the file, not the speed.
 */
public final class SparseStorage {
  private SparseStorage() {}

  /** Converts every fp32 weight initializer at least {@code minSparsity} zero to sparse form. */
  public static ModelProto toSparse(ModelProto proto, double minSparsity) {
    GraphProto.Builder g = proto.getGraph().toBuilder();
    for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || !t.getName().endsWith(".weight")) continue;
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[b.remaining() / 4];
      b.asFloatBuffer().get(f);
      int nnz = 0;
      for (float v : f) if (v != 0f) nnz++;
      if (f.length == 0 || 1.0 - (double) nnz / f.length < minSparsity) continue;
      ByteBuffer vals = ByteBuffer.allocate(nnz * 4).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer idx = ByteBuffer.allocate(nnz * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < f.length; k++)
        if (f[k] != 0f) {
          vals.putFloat(f[k]);
          idx.putInt(k);
        }
      SparseTensorProto.Builder s = SparseTensorProto.newBuilder()
          .setValues(TensorProto.newBuilder().setName(t.getName()).setDataType(TensorProto.DataType.FLOAT_VALUE)
              .addDims(nnz).setRawData(ByteString.copyFrom(vals.array())))
          .setIndices(TensorProto.newBuilder().setName(t.getName() + ".indices").setDataType(TensorProto.DataType.INT32_VALUE)
              .addDims(nnz).setRawData(ByteString.copyFrom(idx.array())));
      for (long d : t.getDimsList()) s.addDims(d);
      g.removeInitializer(i);
      g.addSparseInitializer(s);
    }
    return proto.toBuilder().setGraph(g).build();
  }

  /** The dense values of a sparse initializer. */
  public static float[] densify(SparseTensorProto s) {
    long n = 1;
    for (long d : s.getDimsList()) n *= d;
    float[] dense = new float[(int) n];
    ByteBuffer v = s.getValues().getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer ix = s.getIndices().getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean i64 = s.getIndices().getDataType() == TensorProto.DataType.INT64_VALUE;
    while (v.remaining() >= 4) dense[(int) (i64 ? ix.getLong() : ix.getInt())] = v.getFloat();
    return dense;
  }
}

package dev.rlcompress.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.onnx.OnnxImporter;
import java.nio.file.Path;

/** A model file read once: its parsed graph and its size on disk. */
record ModelFile(ModelProto proto, long sizeBytes) {
  static ModelFile read(Path path) {
    byte[] bytes = OnnxImporter.readBytes(path);
    return new ModelFile(OnnxImporter.parse(bytes, path.toString()), bytes.length);
  }
}

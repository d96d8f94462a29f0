package dev.rlcompress.rt;

/** The bytes are not a well-formed ONNX model (truncated, corrupt, or not protobuf at all). */
public final class MalformedModelException extends RuntimeException {
  public MalformedModelException(String message) {
    super(message);
  }
}

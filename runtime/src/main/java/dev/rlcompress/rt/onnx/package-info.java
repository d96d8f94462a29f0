/**
 * Just enough of ONNX's protobuf wire format and rlc's JSON metadata to load a policy, read directly so
 * that the runtime jar depends on nothing.
 */
package dev.rlcompress.rt.onnx;

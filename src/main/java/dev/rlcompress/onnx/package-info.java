/**
 * The file format: export of a policy to a plain fp32 ONNX graph through one exporter whose per-layer
 * hook lets quantizers substitute their own nodes, import back to a policy, sparse storage, the
 * rl-compress metadata keys (provenance, architecture) and the model statistics read from a graph.
 */
package dev.rlcompress.onnx;

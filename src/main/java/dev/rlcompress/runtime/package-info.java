/**
 * Engines that run exported policies: ONNX Runtime with the measurement session settings (one thread,
 * precise int8 kernels) for every variant, and a Java CSR engine that turns unstructured sparsity into
 * speed. Models open from files or from memory, are read once, and are checked (metadata against graph,
 * finite weights) before any session starts; per-operator profiling and optimized-graph inspection live
 * here too.
 */
package dev.rlcompress.runtime;

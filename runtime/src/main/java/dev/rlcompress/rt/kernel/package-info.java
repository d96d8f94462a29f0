/**
 * The runtime's kernels in the Java Vector API, one class per layer kind (float, int8 static and
 * dynamic, int4, binary, sparse, convolution, fused elementwise runs), each with weights packed at load
 * for its access pattern, and the GEMM register tiles shared with the trainer.
 */
package dev.rlcompress.rt.kernel;

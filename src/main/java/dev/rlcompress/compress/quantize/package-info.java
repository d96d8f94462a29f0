/**
 * The quantization suite: one option record per method (PTDQ, PTSQ with observers, fp16, QAT, binary,
 * int4), a layer scheme per storage format that writes the ONNX nodes and the exact Java reference of
 * the same arithmetic, and the exact rewrites that prepare a model (input equalization, output
 * centering). Every step applied is recorded in the provenance.
 */
package dev.rlcompress.compress.quantize;

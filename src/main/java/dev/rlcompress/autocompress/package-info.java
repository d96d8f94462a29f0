/**
 * Return-aware automatic compression ({@code rlc compress}): searches the product's own compression
 * space (per-layer precision, structured pruning per group, unstructured sparsity on the sparse
 * engine, optional distillation fine-tuning) for the variant that is best on a measured objective while
 * keeping the policy's return, spending episodes only on candidates that cheap signals on stored
 * states let through. Sits with {@code eval}: it uses eval, compress, runtime, onnx, model and env.
 */
package dev.rlcompress.autocompress;

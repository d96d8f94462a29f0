/**
 * Compression methods and what they share: the policy's own states for calibration and fine-tuning
 * ({@link dev.rlcompress.compress.Calibration}). Quantization, pruning and distillation live in the
 * subpackages.
 */
package dev.rlcompress.compress;

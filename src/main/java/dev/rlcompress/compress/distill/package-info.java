/**
 * The one fine-tuning path: policy distillation from a teacher on its own states with a config record
 * (steps, learning rate, batch, clip, temperature, masks), hooks in the forward pass for fake
 * quantization and an optional regularizer.
 */
package dev.rlcompress.compress.distill;

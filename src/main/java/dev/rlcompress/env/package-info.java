/**
 * Gymnasium-semantics environments (classic control, LunarLander on jbox2d), their spaces and options,
 * the registry that makes them from a spec string, vectorized copies and greedy rollouts. The bottom
 * layer: it imports nothing else of rl-compress.
 */
package dev.rlcompress.env;

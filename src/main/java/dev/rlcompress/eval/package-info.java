/**
 * Measurement: the one evaluator (greedy episodes on fixed seeds, bootstrap interval, success,
 * agreement, interleaved latency, size), comparison tables of in-memory variants, and the experiments
 * built on them (pruning sweeps and pipeline comparisons, dense vs sparse storage, action-gap analysis,
 * per-operator profiles) as methods that return records.
 */
package dev.rlcompress.eval;

/**
 * Pruning: unstructured magnitude pruning, structured pruning over a dependency graph of groups with a
 * pluggable importance, and the pipelines around them (fine-tuned and iterative pruning, group-norm
 * sparse training, the lottery-ticket rewind), each described by an option record.
 */
package dev.rlcompress.compress.prune;

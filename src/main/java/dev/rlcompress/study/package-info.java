/**
 * Studies: a YAML spec expanded into cells (train, compress, evaluate, time), run crash-safely with each
 * finished cell committed as one SQLite row, on threads of this JVM or on a cluster through a
 * scheduler, and analysed into the tables a report shows (returns with intervals, best pruning ratio,
 * fidelity, latency, memory, energy).
 */
package dev.rlcompress.study;

/**
 * NumPy's random number generation (SeedSequence, PCG64, the Generator's draws and its ziggurat normal
 * sampler), reimplemented so that a Java environment seeded like Gymnasium draws exactly Gymnasium's
 * numbers: the step-by-step equivalence tests against Gymnasium depend on it.
 */
package dev.rlcompress.env.random;

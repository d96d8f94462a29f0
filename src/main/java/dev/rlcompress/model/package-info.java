/**
 * The framework-neutral policy: layers, heads, observation normalization and provenance (the training
 * run and a typed compression history), plus the Java float32 reference forward pass. Everything above
 * produces, transforms, exports or measures these immutable values, so the package depends on nothing
 * but the environments' spaces.
 */
package dev.rlcompress.model;

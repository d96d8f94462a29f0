package dev.rlcompress.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model came from: the training run (algorithm, environment, seed, hyperparameters, steps)
 * and, in order, every compression step applied since. Travels inside the ONNX file so a model is
 * self-describing.
 */
public record Provenance(
    String algorithm,
    String envId,
    long seed,
    Map<String, String> hyperparameters,
    long trainSteps,
    List<CompressionStep> compression) {

  public Provenance {
    hyperparameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    compression = List.copyOf(compression);
  }

  public Provenance withCompression(CompressionStep step) {
    List<CompressionStep> c = new ArrayList<>(compression);
    c.add(step);
    return new Provenance(algorithm, envId, seed, hyperparameters, trainSteps, c);
  }

  /** The same training run record with another seed (e.g. a re-initialisation control). */
  public Provenance withSeed(long otherSeed) {
    return new Provenance(algorithm, envId, otherSeed, hyperparameters, trainSteps, compression);
  }

  /** Whether some step stored the weights in a quantized form (they are no longer the fp32 originals). */
  public boolean quantized() {
    return compression.stream().anyMatch(s -> s instanceof CompressionStep.Quantization);
  }
}

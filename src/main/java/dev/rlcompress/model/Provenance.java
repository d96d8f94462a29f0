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
    List<String> compression) {

  public Provenance {
    hyperparameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    compression = List.copyOf(compression);
  }

  public Provenance withCompression(String step) {
    List<String> c = new ArrayList<>(compression);
    c.add(step);
    return new Provenance(algorithm, envId, seed, hyperparameters, trainSteps, c);
  }
}

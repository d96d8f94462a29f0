package dev.rlcompress.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to train.
 *
 * @param steps environment steps; 0 or less takes the per-environment default
 * @param outDir where checkpoints (and, through the CLI, the model) go; null for none
 * @param resume continue from {@code outDir}'s checkpoint when one exists
 */
public record TrainConfig(
    String envId, long seed, long steps, Map<String, String> overrides, Path outDir, boolean resume, Progress progress) {
  public TrainConfig {
    overrides = Map.copyOf(overrides);
    if (progress == null) progress = Progress.NONE;
  }
}

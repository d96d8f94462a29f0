package dev.rlcompress.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What to train.
 *
 * @param envId environment id or spec with options ({@code LunarLander-v3[enable_wind=true]})
 * @param steps environment steps; 0 or less takes the per-environment default
 * @param outDir where checkpoints (and, through {@code publish}, the model) go; null for none. Locked
 *     for the run's duration.
 * @param resume continue from {@code outDir}'s checkpoint when one exists
 * @param publish called with the result while {@code outDir} is still locked: where the CLI writes the
 *     model and its summary, so no other run can interleave its files (null for nothing)
 */
public record TrainConfig(String envId, long seed, long steps, Map<String, String> overrides, Path outDir,
    boolean resume, Progress progress, Consumer<TrainResult> publish) {
  public TrainConfig {
    overrides = Map.copyOf(overrides);
    if (progress == null) progress = Progress.NONE;
    if (publish == null) publish = r -> {};
  }

  public TrainConfig(String envId, long seed, long steps, Map<String, String> overrides, Path outDir, boolean resume,
      Progress progress) {
    this(envId, seed, steps, overrides, outDir, resume, progress, null);
  }
}

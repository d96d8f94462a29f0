package dev.rlcompress.study;

import dev.rlcompress.util.Maps;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated study: where the policies come from, which compressed variants of each to build, and
 * how to measure and score them. Built only by {@link SpecParser}, which checks everything before any
 * work starts.
 *
 * @param file the spec file (relative model paths are resolved against its folder)
 * @param sources the policies to compress: existing files and training runs
 * @param variants the variants built from every source, the baseline (no step) first
 * @param repeats how many times each variant is built (seeded by the repeat) and evaluated (on its own
 *     episode seeds)
 * @param sharedDir the spec's {@code shared_dir}: a folder every executor of a cluster can read and write,
 *     where the study's {@code NAME.artifacts/} folder (models, variants, training checkpoints) goes instead
 *     of beside the database; null when the spec names none (local runs). Not part of any cell key: where a
 *     file is kept does not change what it holds.
 *
 * <p>The parts a cell's work needs (training source, variant and steps, evaluation, latency and resources)
 * are {@link Serializable}, so a {@link CellTask} built from them can be shipped to another JVM.
 */
public record StudySpec(String name, Path file, List<Source> sources, List<Variant> variants, int repeats,
    Measurement measurement, Path sharedDir) {

  /** How every variant is measured and scored: episodes, latency protocol, resource probes, score weights. */
  public record Measurement(Evaluation evaluation, LatencyProtocol latency, Resources resources, ScoreWeights scores) {}

  public Evaluation evaluation() {
    return measurement.evaluation();
  }

  public LatencyProtocol latency() {
    return measurement.latency();
  }

  public Resources resources() {
    return measurement.resources();
  }

  public ScoreWeights scores() {
    return measurement.scores();
  }

  /** Where a policy comes from. */
  public sealed interface Source {
    /** The canonical definition that goes into every cell key built on this source. */
    Map<String, Object> definition();

    /** An existing model file; identified by its content, so a moved file keeps its cells. */
    record ModelFile(Path path, String sha256, String algorithm, String envId) implements Source {
      public Map<String, Object> definition() {
        return new TreeMap<>(Map.of("model_sha256", sha256));
      }
    }

    /** A policy the study trains itself. */
    record Training(String algorithm, String envId, long steps, long seed, Map<String, String> hyperparameters)
        implements Source, Serializable {
      public Training {
        hyperparameters = new TreeMap<>(hyperparameters);
      }

      public Map<String, Object> definition() {
        Map<String, Object> m = new TreeMap<>();
        m.put("train", new TreeMap<>(Map.of("algorithm", algorithm, "env", envId, "steps", steps, "seed", seed,
            "hyperparameters", hyperparameters)));
        return m;
      }
    }
  }

  /** One compression step; options are kept as written (validated strings) in a sorted map. */
  public sealed interface Step extends Serializable {
    Map<String, Object> definition();

    record Quantize(String method, Map<String, String> options) implements Step {
      public Quantize {
        options = new TreeMap<>(options);
      }

      public Map<String, Object> definition() {
        return new TreeMap<>(Map.of("quantize", new TreeMap<>(Map.of("method", method, "options", options))));
      }
    }

    record Prune(String method, double ratio, Map<String, String> options) implements Step {
      public Prune {
        options = new TreeMap<>(options);
      }

      public Map<String, Object> definition() {
        return new TreeMap<>(Map.of("prune", new TreeMap<>(Map.of("method", method, "ratio", ratio, "options", options))));
      }
    }
  }

  /**
   * A variant: a named sequence of steps applied to the source (none for the baseline). Pruning-only
   * variants carry their method and ratio for the 90%-rule analysis.
   */
  public record Variant(String name, List<Step> steps) implements Serializable {
    public Variant {
      steps = List.copyOf(steps);
    }

    public boolean isBaseline() {
      return steps.isEmpty();
    }

    /** The single pruning step of a pruning-only variant, or null. */
    public Step.Prune pruneOnly() {
      return steps.size() == 1 && steps.get(0) instanceof Step.Prune p ? p : null;
    }

    /** The single quantization step of a quantization-only variant, or null. */
    public Step.Quantize quantizeOnly() {
      return steps.size() == 1 && steps.get(0) instanceof Step.Quantize q ? q : null;
    }

    public List<Object> definition() {
      return steps.stream().map(s -> (Object) s.definition()).toList();
    }
  }

  /**
   * @param episodes evaluation episodes per repeat
   * @param seed first episode seed; repeat r uses seeds {@code seed + r * episodes} onwards, so repeats
   *     never share an episode
   */
  public record Evaluation(int episodes, long seed) implements Serializable {
    public long seedOf(int repeat) {
      return seed + (long) repeat * episodes;
    }
  }

  /**
   * The latency protocol (as {@code rlc eval}): {@code rounds} interleaved rounds over all variants of a
   * source, each timing batch-1 calls and {@code passes} passes of batch {@code batch}.
   */
  public record LatencyProtocol(int rounds, int passes, int batch) implements Serializable {
    public Map<String, Object> definition() {
      return new TreeMap<>(Map.of("rounds", rounds, "passes", passes, "batch", batch));
    }
  }

  /**
   * Memory and energy measurement.
   *
   * @param memory measure peak resident memory and energy in an isolated child process per variant cell
   * @param wattsPerCore the per-core power used for the CPU-time energy estimate when RAPL counters are
   *     absent
   * @param probeRepeats probe only the first this many repeats (0: all). The child process costs about a
   *     second per cell, and a variant's memory does not change between repeats, so a large grid probes
   *     a few repeats and still gets a spread
   */
  public record Resources(boolean memory, double wattsPerCore, int probeRepeats) implements Serializable {
    public Resources {
      if (probeRepeats < 0) throw new IllegalArgumentException("probeRepeats must not be negative");
    }

    /** Whether the variant cells of {@code repeat} run the memory and energy probe. */
    public boolean probes(int repeat) {
      return memory && (probeRepeats == 0 || repeat < probeRepeats);
    }

    /** The spec's settings, as the study's metadata records them. */
    public Map<String, Object> definition() {
      return new TreeMap<>(Map.of("memory", memory, "watts_per_core", wattsPerCore, "probe_repeats", probeRepeats));
    }

    /** What a variant cell of {@code repeat} is measured with (part of its key). */
    public Map<String, Object> definition(int repeat) {
      return new TreeMap<>(Map.of("memory", probes(repeat), "watts_per_core", wattsPerCore));
    }
  }

  /**
   * How variants are scored: a weighted geometric mean of benefit ratios (see {@link Scores}).
   *
   * @param keep the return retention a variant must keep to be eligible (the study's 90% rule)
   * @param returnFloor the return that counts as nothing retained; 0 by default (retention = R / R_base),
   *     set it (e.g. to a random policy's return) for environments whose returns are negative
   */
  public record ScoreWeights(double keep, double returnWeight, double speedWeight, double sizeWeight,
      double energyWeight, double returnFloor) {
    public static final ScoreWeights DEFAULT = new ScoreWeights(0.9, 2.0, 1.0, 0.5, 0.5, 0.0);

    /** The weights under the names a study file gives them (what the study's hash is taken over). */
    public Map<String, Object> toMap() {
      return Maps.ordered("keep", keep, "return", returnWeight, "speed", speedWeight, "size", sizeWeight,
          "energy", energyWeight, "return_floor", returnFloor);
    }
  }
}

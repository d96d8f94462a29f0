package dev.rlcompress.study;

import java.io.Serializable;
import java.util.List;

/**
 * One cell's work with every input resolved by the driver (the source model's file, the variant files a
 * latency cell times, the folder its outputs go to), so that running it needs nothing from the study
 * database: {@link CellWork#run} is a function of the task alone. Tasks hold only plain values and the
 * spec's {@link java.io.Serializable} parts, so a cluster scheduler can ship them to another JVM; paths
 * are strings because {@link java.nio.file.Path} is not serializable.
 */
public sealed interface CellTask extends Serializable {
  /** The cell's key: the row its outcome becomes. */
  String cellKey();

  /** Who the cell is about, for progress lines. */
  String label();

  /**
   * Trains a source policy: checkpoints in {@code dir/run} (a retried task resumes from the last one),
   * the selected policy in {@code dir/model.onnx}.
   */
  record Train(String cellKey, String label, StudySpec.Source.Training source, String dir) implements CellTask {}

  /**
   * Builds one variant of {@code sourceModel} (seeded by the repeat) into {@code variantsDir/KEY.onnx}
   * (the baseline is the source itself), evaluates it, and probes its memory and energy.
   */
  record Variant(String cellKey, String label, String sourceModel, StudySpec.Variant variant, int repeat, String envId,
      Protocol protocol, String variantsDir) implements CellTask {}

  /** Times the finished variants of one source and repeat together, interleaved, against the source. */
  record Latency(String cellKey, String label, String sourceModel, String envId, long seed,
      StudySpec.LatencyProtocol protocol, List<Member> members, int planned) implements CellTask {
    public Latency {
      members = List.copyOf(members);
    }
  }

  /**
   * How a variant cell measures: {@code episodes} evaluation episodes from {@code seed}; the latency
   * protocol's passes and batch size for the memory probe's workload.
   */
  record Protocol(int episodes, long seed, StudySpec.LatencyProtocol latency, StudySpec.Resources resources)
      implements Serializable {}

  /** A finished variant cell a latency cell times: its key, its variant's name and its model file. */
  record Member(String cellKey, String variant, String modelPath) implements Serializable {}
}

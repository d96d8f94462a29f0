package dev.rlcompress.study;

import java.util.List;

/**
 * One unit of a study's work, recorded as one row when it completes. Its key is the SHA-256 of its full
 * canonical definition (source, steps, repeat, evaluation and measurement settings), so the same spec
 * always yields the same keys and a re-run recognizes what is already done; change anything that
 * affects a result and the key changes with it.
 *
 * @param kind TRAIN (a study-trained source policy), VARIANT (one variant × one repeat: build, evaluate,
 *     memory and energy), LATENCY (all variants of one source and repeat timed together, interleaved)
 * @param sourceKey the key that groups cells of one source policy
 * @param variant the variant (VARIANT cells), else null
 * @param repeat the repeat index (VARIANT and LATENCY cells), else -1
 * @param members the VARIANT cells a LATENCY cell times, in order; else empty
 */
public record Cell(String key, Kind kind, String definition, StudySpec.Source source, String sourceKey,
    StudySpec.Variant variant, int repeat, List<Cell> members) {

  public enum Kind { TRAIN, VARIANT, LATENCY }

  /** Who the cell is about, for progress lines and errors. */
  public String label() {
    String src = Grid.sourceLabel(source);
    return switch (kind) {
      case TRAIN -> "train " + src;
      case VARIANT -> src + " · " + variant.name() + " · repeat " + repeat;
      case LATENCY -> "latency " + src + " · repeat " + repeat;
    };
  }

  public String shortKey() {
    return key.substring(0, 12);
  }
}

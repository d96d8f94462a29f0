package dev.rlcompress.study;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/**
 * What running one {@link CellTask} produced: the content of its result row, without the cell's identity
 * columns (those the driver fills in from the {@link Cell} it planned). Serializable: on a cluster it
 * travels back from the executor to the driver, which alone writes the database.
 *
 * @param status "done" or "failed"
 * @param error the one-line reason of a failure, else null
 * @param metrics the measured values (numbers, strings, booleans, lists and maps of them)
 * @param model the file the cell produced or evaluated, with its checksum and provenance; null for none
 * @param started when the cell started
 * @param seconds how long it ran
 */
public record CellOutcome(String cellKey, String status, String error, Map<String, Object> metrics, Model model,
    Instant started, double seconds) implements Serializable {

  /** A model file as a result row records it. */
  public record Model(String path, String sha256, Map<String, String> provenance) implements Serializable {}

  public boolean done() {
    return status.equals("done");
  }

  /** A failure decided without running the cell's work (an unavailable input, a lost task). */
  public static CellOutcome failed(String cellKey, String error, Instant started, double seconds) {
    return new CellOutcome(cellKey, "failed", error, Map.of(), null, started, seconds);
  }
}

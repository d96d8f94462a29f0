package dev.rlcompress.autocompress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a candidate does on the reference's stored states (the cheap signals of {@link Screen}).
 *
 * @param agreement share of states with the reference's greedy action
 * @param exceedsGap share of states whose leading-pair output error exceeds the reference's action gap
 *     there (NaN for continuous actions)
 * @param estimatedLoss estimated return lost (NaN unless the head outputs Q-values)
 */
public record Signals(double agreement, double exceedsGap, double estimatedLoss) {
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agreement", agreement);
    m.put("exceeds_gap", Double.isNaN(exceedsGap) ? null : exceedsGap);
    m.put("estimated_loss", Double.isNaN(estimatedLoss) ? null : estimatedLoss);
    return m;
  }
}

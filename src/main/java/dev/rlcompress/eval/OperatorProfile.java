package dev.rlcompress.eval;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Profiler;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * ONNX Runtime's per-operator time for several models on the same observations (the first model's own
 * episodes), each model profiled after a discarded warm-up run.
 *
 * @param models the models, in the order given
 * @param operators operator types seen in any model, sorted, then "total (kernels)" and "total (session run)"
 * @param micros mean µs per pass by model, then operator; absent where a model has no such operator
 */
public record OperatorProfile(List<Path> models, List<String> operators, Map<Path, Map<String, Double>> micros) {
  public static OperatorProfile measure(List<Path> models, int batch, int passes) {
    if (batch <= 0 || passes <= 0) throw new UserError("--batch and --passes must be positive");
    PolicyModel first = OnnxImporter.read(models.get(0)).actionOnly();
    List<float[]> obs = new Calibration.Episodes(first.provenance().envId(), 5, EvalOptions.DEFAULT_SEED, 5000).states(first);
    Map<Path, Map<String, Double>> results = new LinkedHashMap<>();
    for (Path m : models) {
      Profiler.perOp(m, obs, batch, Math.max(100, passes / 5)); // warm-up run
      results.put(m, Profiler.perOp(m, obs, batch, passes));
    }
    TreeSet<String> ops = new TreeSet<>();
    results.values().forEach(r -> r.keySet().stream().filter(k -> !k.startsWith("total")).forEach(ops::add));
    List<String> rows = new ArrayList<>(ops);
    rows.add("total (kernels)");
    rows.add("total (session run)");
    return new OperatorProfile(List.copyOf(models), rows, results);
  }
}

package dev.rlcompress.compress.prune;

import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structured pruning that really removes neurons and channels: per group, the lowest-importance units
 * are deleted from the producer and the matching inputs from every consumer, so the pruned model is
 * physically smaller, exports to a smaller ONNX file and runs fewer multiply-adds.
 */
public final class StructuredPruner {
  private StructuredPruner() {}

  /** Units kept for each producer layer, sorted ascending. */
  public record Plan(Map<LayerId, int[]> kept) {}

  /**
   * @param ratio fraction of each group's units to remove, in [0, 1)
   * @param perLayer per-producer ratios overriding {@code ratio}
   */
  public static Plan plan(PolicyModel m, Importance imp, double ratio, Map<LayerId, Double> perLayer) {
    checkRatio(ratio);
    List<DependencyGraph.Group> groups = DependencyGraph.groups(m);
    if (groups.isEmpty())
      throw new UserError("this model has no prunable group (every weighted layer feeds an output)");
    Map<LayerId, int[]> kept = new HashMap<>();
    for (LayerId id : perLayer.keySet())
      if (groups.stream().noneMatch(g -> g.producer().id(m).equals(id)))
        throw new UserError("no prunable layer named " + id);
    for (DependencyGraph.Group g : groups) {
      LayerId id = g.producer().id(m);
      double r = perLayer.getOrDefault(id, ratio);
      checkRatio(r);
      int remove = (int) Math.floor(r * g.units());
      if (remove >= g.units()) throw new UserError("ratio " + r + " would remove every unit of " + id);
      double[] s = imp.scores(m, g);
      Integer[] order = new Integer[g.units()];
      for (int k = 0; k < order.length; k++) order[k] = k;
      Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]) != 0 ? Double.compare(s[a], s[b]) : Integer.compare(a, b));
      int[] keep = new int[g.units() - remove];
      for (int k = 0; k < keep.length; k++) keep[k] = order[remove + k];
      Arrays.sort(keep);
      kept.put(id, keep);
    }
    return new Plan(kept);
  }

  /** Ratio 0 for every group whose producer lies outside {@code part}: what restricts structured pruning to a part. */
  static Map<LayerId, Double> outsidePart(PolicyModel m, Part part) {
    Set<LayerId> inPart = new HashSet<>();
    for (PolicyModel.NamedLayer n : part.select(m)) inPart.add(n.id());
    Map<LayerId, Double> zero = new HashMap<>();
    for (DependencyGraph.Group g : DependencyGraph.groups(m))
      if (!inPart.contains(g.producer().id(m))) zero.put(g.producer().id(m), 0.0);
    return zero;
  }

  static void checkRatio(double r) {
    if (!(r >= 0 && r < 1)) throw new UserError("pruning ratio must be in [0, 1), got " + r);
  }

  /** Removes {@code ratio} of the units of every group whose producer is in {@code part}; records the step. */
  public static PolicyModel prune(PolicyModel m, Importance imp, double ratio, Part part) {
    PolicyModel p = apply(m, plan(m, imp, ratio, part == Part.ALL ? Map.of() : outsidePart(m, part)));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ratio", CompressionStep.number(ratio));
    if (imp instanceof Importance.Random r) params.put("seed", Long.toString(r.seed()));
    return p.withProvenance(m.provenance().withCompression(new CompressionStep.Pruning("structured-" + imp.name(), part, params)));
  }

  /** Applies a plan: shrinks producers' outputs and consumers' inputs. */
  public static PolicyModel apply(PolicyModel m, Plan plan) {
    Map<LayerId, int[]> outKeep = new HashMap<>();
    Map<LayerId, int[]> inKeep = new HashMap<>(); // consumer -> kept input columns/channels
    for (DependencyGraph.Group g : DependencyGraph.groups(m)) {
      int[] keep = plan.kept().get(g.producer().id(m));
      if (keep == null) continue;
      outKeep.put(g.producer().id(m), keep);
      for (DependencyGraph.Consumer c : g.consumers()) {
        int[] cols = new int[keep.length * c.columnsPerUnit()];
        for (int k = 0; k < keep.length; k++)
          for (int j = 0; j < c.columnsPerUnit(); j++) cols[k * c.columnsPerUnit() + j] = keep[k] * c.columnsPerUnit() + j;
        inKeep.put(c.slot().id(m), c.columnsPerUnit() == 1 || c.slot().layer(m) instanceof Layer.Conv2d ? keep : cols);
      }
    }
    return m.mapLayers((id, l) -> switch (l) {
      case Layer.Linear lin -> slice(lin, outKeep.get(id), inKeep.get(id));
      case Layer.Conv2d c -> slice(c, outKeep.get(id), inKeep.get(id));
      default -> l;
    });
  }

  static Layer.Linear slice(Layer.Linear l, int[] rows, int[] cols) {
    int[] r = rows != null ? rows : range(l.out());
    int[] c = cols != null ? cols : range(l.in());
    float[] w = new float[r.length * c.length], b = new float[r.length];
    for (int i = 0; i < r.length; i++) {
      for (int j = 0; j < c.length; j++) w[i * c.length + j] = l.w(r[i], c[j]);
      b[i] = l.bias()[r[i]];
    }
    return new Layer.Linear(c.length, r.length, w, b);
  }

  static Layer.Conv2d slice(Layer.Conv2d l, int[] outCh, int[] inCh) {
    int[] o = outCh != null ? outCh : range(l.outChannels());
    int[] in = inCh != null ? inCh : range(l.inChannels());
    int kk = l.kernel() * l.kernel();
    float[] w = new float[o.length * in.length * kk], b = new float[o.length];
    for (int i = 0; i < o.length; i++) {
      for (int j = 0; j < in.length; j++)
        System.arraycopy(l.weight(), (o[i] * l.inChannels() + in[j]) * kk, w, (i * in.length + j) * kk, kk);
      b[i] = l.bias()[o[i]];
    }
    return new Layer.Conv2d(in.length, o.length, l.kernel(), l.stride(), l.padding(), w, b);
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }
}

package dev.rlcompress.compress.prune;

import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning that really removes neurons and channels: per group, the lowest-importance units
 * are deleted from the producer and the matching inputs from every consumer, so the pruned model is
 * physically smaller, exports to a smaller ONNX file and runs fewer multiply-adds.
 */
public final class StructuredPruner {
  private StructuredPruner() {}

  /** Units kept for each producer layer (by name), sorted ascending. */
  public record Plan(Map<String, int[]> kept) {}

  /**
   * @param ratio fraction of each group's units to remove, in [0, 1)
   * @param perLayer optional per-layer ratios by producer name overriding {@code ratio}
   */
  public static Plan plan(PolicyModel m, Importance imp, double ratio, Map<String, Double> perLayer, long seed) {
    checkRatio(ratio);
    List<DependencyGraph.Group> groups = DependencyGraph.groups(m);
    if (groups.isEmpty())
      throw new UserError("this model has no prunable group (every weighted layer feeds an output)");
    Map<String, int[]> kept = new HashMap<>();
    for (String name : perLayer.keySet())
      if (groups.stream().noneMatch(g -> g.producer().name(m).equals(name)))
        throw new UserError("no prunable layer named " + name);
    for (DependencyGraph.Group g : groups) {
      String name = g.producer().name(m);
      double r = perLayer.getOrDefault(name, ratio);
      checkRatio(r);
      int remove = (int) Math.floor(r * g.units());
      if (remove >= g.units()) throw new UserError("ratio " + r + " would remove every unit of " + name);
      double[] s = imp.scores(m, g, seed);
      Integer[] order = new Integer[g.units()];
      for (int k = 0; k < order.length; k++) order[k] = k;
      Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]) != 0 ? Double.compare(s[a], s[b]) : Integer.compare(a, b));
      int[] keep = new int[g.units() - remove];
      for (int k = 0; k < keep.length; k++) keep[k] = order[remove + k];
      Arrays.sort(keep);
      kept.put(name, keep);
    }
    return new Plan(kept);
  }

  static void checkRatio(double r) {
    if (!(r >= 0 && r < 1)) throw new UserError("pruning ratio must be in [0, 1), got " + r);
  }

  public static PolicyModel prune(PolicyModel m, Importance imp, double ratio, long seed) {
    PolicyModel p = apply(m, plan(m, imp, ratio, Map.of(), seed));
    return p.withProvenance(m.provenance().withCompression(
        String.format("prune:structured:%s:%.2f", imp.name().toLowerCase(), ratio)));
  }

  /** Applies a plan: shrinks producers' outputs and consumers' inputs. */
  public static PolicyModel apply(PolicyModel m, Plan plan) {
    List<DependencyGraph.Group> groups = DependencyGraph.groups(m);
    Map<String, int[]> outKeep = new HashMap<>();
    Map<String, int[]> inKeep = new HashMap<>(); // consumer name -> kept input columns/channels
    for (DependencyGraph.Group g : groups) {
      int[] keep = plan.kept().get(g.producer().name(m));
      if (keep == null) continue;
      outKeep.put(g.producer().name(m), keep);
      for (DependencyGraph.Consumer c : g.consumers()) {
        int[] cols = new int[keep.length * c.columnsPerUnit()];
        for (int k = 0; k < keep.length; k++)
          for (int j = 0; j < c.columnsPerUnit(); j++) cols[k * c.columnsPerUnit() + j] = keep[k] * c.columnsPerUnit() + j;
        inKeep.put(c.slot().name(m), c.columnsPerUnit() == 1 || c.slot().layer(m) instanceof Layer.Conv2d ? keep : cols);
      }
    }
    List<Layer> trunk = rebuild(m.trunk(), "trunk", outKeep, inKeep);
    List<Head> heads = new ArrayList<>();
    for (Head h : m.heads()) heads.add(new Head(h.name(), h.kind(), rebuild(h.layers(), h.name(), outKeep, inKeep)));
    return new PolicyModel(m.inputShape(), m.normalization(), trunk, heads, m.provenance());
  }

  private static List<Layer> rebuild(List<Layer> layers, String prefix, Map<String, int[]> outKeep, Map<String, int[]> inKeep) {
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      String name = prefix + "." + i;
      Layer l = layers.get(i);
      int[] ok = outKeep.get(name), ik = inKeep.get(name);
      out.add(switch (l) {
        case Layer.Linear lin -> slice(lin, ok, ik);
        case Layer.Conv2d c -> slice(c, ok, ik);
        default -> l;
      });
    }
    return out;
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

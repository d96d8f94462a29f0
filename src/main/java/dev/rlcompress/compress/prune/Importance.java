package dev.rlcompress.compress.prune;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;
import java.util.SplittableRandom;

/**
 * How important each unit of a dependency-graph group is; the least important are removed. An
 * interface so that criteria needing more than weights (Taylor expansion with gradients, activation
 * statistics on the policy's states) can be added as further implementations; the ones here read
 * weights only and sum over every parameter a unit owns in its group: the producer's row (weights and
 * bias) and each consumer's matching input columns.
 */
public interface Importance {
  /** The name on the command line and in the provenance ("l1", "l2", "group", "random"). */
  String name();

  /** One score per unit of {@code g} in {@code m}; higher is more important. */
  double[] scores(PolicyModel m, DependencyGraph.Group g);

  /** Σ|w| over the group (DepGraph's magnitude importance with p = 1). */
  Importance L1 = new Magnitude(1, false);
  /** Σw² over the group (p = 2). */
  Importance L2 = new Magnitude(2, false);
  /**
   * Group L2 with each layer's contribution normalized by that layer's largest unit score before
   * summing: the study's point that raw sums across layers of different scales are meaningless.
   */
  Importance GROUP = new Magnitude(2, true);

  /** l1, l2, group, or random (seeded by {@code seed}). */
  static Importance parse(String s, long seed) {
    return switch (s) {
      case "l1" -> L1;
      case "l2" -> L2;
      case "group" -> GROUP;
      case "random" -> new Random(seed);
      default -> throw new UserError("unknown importance '" + s + "'; known: l1, l2, group, random");
    };
  }

  /**
   * Magnitude importance Σ|w|^p over the unit's parameters in the group.
   *
   * @param normalized divide each layer's part by that layer's largest unit score before summing
   */
  record Magnitude(int p, boolean normalized) implements Importance {
    public Magnitude {
      if (p != 1 && p != 2) throw new IllegalArgumentException("magnitude importance supports p = 1 or 2");
    }

    public String name() {
      return normalized ? "group" : "l" + p;
    }

    public double[] scores(PolicyModel m, DependencyGraph.Group g) {
      int n = g.units();
      double[] total = new double[n];
      add(total, producerScores(g.producer().layer(m), n));
      for (DependencyGraph.Consumer c : g.consumers()) add(total, consumerScores(c.slot().layer(m), n, c.columnsPerUnit()));
      return total;
    }

    private void add(double[] total, double[] part) {
      double max = 0;
      for (double v : part) max = Math.max(max, v);
      for (int k = 0; k < total.length; k++) total[k] += normalized ? (max > 0 ? part[k] / max : 0) : part[k];
    }

    private double f(float w) {
      return p == 1 ? Math.abs(w) : (double) w * w;
    }

    private double[] producerScores(Layer l, int n) {
      double[] s = new double[n];
      float[] w = Layer.weights(l), b = Layer.bias(l);
      int per = w.length / n;
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < per; j++) s[k] += f(w[k * per + j]);
        s[k] += f(b[k]);
      }
      return s;
    }

    private double[] consumerScores(Layer l, int n, int columnsPerUnit) {
      double[] s = new double[n];
      if (l instanceof Layer.Linear lin) {
        for (int o = 0; o < lin.out(); o++)
          for (int k = 0; k < n; k++)
            for (int c = 0; c < columnsPerUnit; c++) s[k] += f(lin.w(o, k * columnsPerUnit + c));
      } else {
        Layer.Conv2d c = (Layer.Conv2d) l;
        int kk = c.kernel() * c.kernel();
        for (int oc = 0; oc < c.outChannels(); oc++)
          for (int k = 0; k < n; k++)
            for (int j = 0; j < kk; j++) s[k] += f(c.weight()[(oc * c.inChannels() + k) * kk + j]);
      }
      return s;
    }
  }

  /** Uniformly random scores, reproducible from {@code seed} and the group's position: the control every importance should beat. */
  record Random(long seed) implements Importance {
    public String name() {
      return "random";
    }

    public double[] scores(PolicyModel m, DependencyGraph.Group g) {
      SplittableRandom rng = new SplittableRandom(seed ^ g.producer().hashCode());
      double[] s = new double[g.units()];
      for (int k = 0; k < s.length; k++) s[k] = rng.nextDouble();
      return s;
    }
  }
}

package dev.rlcompress.compress.prune;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.SplittableRandom;

/**
 * How important each unit of a group is; the least important are removed. Scores sum over every
 * parameter the unit owns in the group: the producer's row (weights and bias) and each consumer's
 * matching input columns.
 */
public enum Importance {
  /** Σ|w| over the group (DepGraph's magnitude importance with p = 1). */
  L1,
  /** Σw² over the group (p = 2). */
  L2,
  /**
   * Group L2 with each layer's contribution normalized by that layer's largest unit score before
   * summing: the study's point that raw sums across layers of different scales are meaningless.
   */
  GROUP,
  /** Uniformly random scores: the control every importance should beat. */
  RANDOM;

  public static Importance parse(String s) {
    return switch (s) {
      case "l1" -> L1;
      case "l2" -> L2;
      case "group" -> GROUP;
      case "random" -> RANDOM;
      default -> throw new dev.rlcompress.util.UserError("unknown importance '" + s + "'; known: l1, l2, group, random");
    };
  }

  public double[] scores(PolicyModel m, DependencyGraph.Group g, long seed) {
    int n = g.units();
    double[] total = new double[n];
    if (this == RANDOM) {
      SplittableRandom rng = new SplittableRandom(seed ^ g.producer().hashCode());
      for (int k = 0; k < n; k++) total[k] = rng.nextDouble();
      return total;
    }
    add(total, producerScores(g.producer().layer(m), n));
    for (DependencyGraph.Consumer c : g.consumers()) add(total, consumerScores(c.slot().layer(m), n, c.columnsPerUnit()));
    return total;
  }

  private void add(double[] total, double[] part) {
    double max = 0;
    for (double v : part) max = Math.max(max, v);
    for (int k = 0; k < total.length; k++) total[k] += this == GROUP ? (max > 0 ? part[k] / max : 0) : part[k];
  }

  private double f(float w) {
    return this == L1 ? Math.abs(w) : (double) w * w;
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

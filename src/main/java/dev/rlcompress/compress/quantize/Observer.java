package dev.rlcompress.compress.quantize;

import java.util.Arrays;
import java.util.List;

/**
 * Chooses an activation range [lo, hi] from calibration activations (one array per observation), the
 * observers of PyTorch's quantization toolkit and ORT's calibrators.
 */
public sealed interface Observer permits Observer.MinMax, Observer.MovingAverage, Observer.Percentile, Observer.Mse {
  float[] range(List<float[]> perState);

  String name();

  static Observer parse(String s) {
    return switch (s) {
      case "minmax" -> new MinMax();
      case "moving-average" -> new MovingAverage(0.01f, 32);
      case "percentile" -> new Percentile(99.99);
      case "mse" -> new Mse(2048);
      default -> throw new dev.rlcompress.util.UserError(
          "unknown observer '" + s + "'; known: minmax, moving-average, percentile, mse");
    };
  }

  /** Global minimum and maximum. */
  record MinMax() implements Observer {
    public float[] range(List<float[]> xs) {
      float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
      for (float[] x : xs) for (float v : x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      return new float[] {lo, hi};
    }

    public String name() {
      return "minmax";
    }
  }

  /** PyTorch's MovingAverageMinMaxObserver: per batch min/max folded in with momentum c. */
  record MovingAverage(float momentum, int batch) implements Observer {
    public float[] range(List<float[]> xs) {
      float lo = 0, hi = 0;
      boolean first = true;
      for (int from = 0; from < xs.size(); from += batch) {
        float[] r = new MinMax().range(xs.subList(from, Math.min(xs.size(), from + batch)));
        if (first) {
          lo = r[0];
          hi = r[1];
          first = false;
        } else {
          lo += momentum * (r[0] - lo);
          hi += momentum * (r[1] - hi);
        }
      }
      return new float[] {lo, hi};
    }

    public String name() {
      return "moving-average";
    }
  }

  /** The p-th and (100-p)-th percentiles, ignoring rare outliers. */
  record Percentile(double p) implements Observer {
    public float[] range(List<float[]> xs) {
      float[] all = flatten(xs);
      Arrays.sort(all);
      int hiIdx = (int) Math.min(all.length - 1, Math.ceil(p / 100 * all.length) - 1);
      int loIdx = (int) Math.max(0, Math.floor((100 - p) / 100 * all.length));
      return new float[] {all[loIdx], all[hiIdx]};
    }

    public String name() {
      return "percentile";
    }
  }

  /**
   * Histogram MSE observer: builds a histogram of the activations and picks, among ranges shrunk from
   * the min-max range, the one minimising the expected squared error of uint8 quantize-dequantize
   * (rounding inside the range plus clipping outside it).
   */
  record Mse(int bins) implements Observer {
    public float[] range(List<float[]> xs) {
      float[] mm = new MinMax().range(xs);
      float lo = Math.min(mm[0], 0), hi = Math.max(mm[1], 0);
      if (hi - lo == 0) return mm;
      double width = (hi - lo) / bins;
      long[] hist = new long[bins];
      for (float[] x : xs) for (float v : x) hist[Math.min(bins - 1, (int) ((v - lo) / width))]++;
      float[] best = {lo, hi};
      double bestErr = Double.POSITIVE_INFINITY;
      for (int k = 100; k >= 10; k--) {
        float clo = lo * k / 100f, chi = hi * k / 100f;
        QuantParams sz = QMath.affineU8(clo, chi);
        double err = 0;
        for (int b = 0; b < bins; b++) {
          if (hist[b] == 0) continue;
          float c = (float) (lo + (b + 0.5) * width);
          float dq = (QMath.quantizeU8(c, sz.scale(), sz.zeroPoint()) - sz.zeroPoint()) * sz.scale();
          err += hist[b] * (double) (dq - c) * (dq - c);
        }
        if (err < bestErr) {
          bestErr = err;
          best = new float[] {clo, chi};
        }
      }
      return best;
    }

    public String name() {
      return "mse";
    }
  }

  static float[] flatten(List<float[]> xs) {
    int n = 0;
    for (float[] x : xs) n += x.length;
    float[] all = new float[n];
    int p = 0;
    for (float[] x : xs) {
      System.arraycopy(x, 0, all, p, x.length);
      p += x.length;
    }
    return all;
  }
}

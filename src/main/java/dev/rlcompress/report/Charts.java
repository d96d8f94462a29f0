package dev.rlcompress.report;

import dev.rlcompress.study.Analysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots, drawn with XChart into PNG bytes (headless). */
final class Charts {
  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Mean return against pruning ratio, one line per pruning method (ratio 0 is the baseline), error bars
   * half the 95% bootstrap interval's width, and the horizontal line at {@code keep} × baseline return.
   */
  static byte[] returnVsRatio(Analysis.Group g, double keep) {
    Analysis.VariantSummary base = g.baseline();
    XYChart c = new XYChartBuilder().width(820).height(480)
        .title(g.algorithm() + " " + g.env() + ": return vs pruning ratio")
        .xAxisTitle("pruning ratio").yAxisTitle("mean return over repeats").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    Map<String, List<Analysis.VariantSummary>> byMethod = new LinkedHashMap<>();
    for (Analysis.VariantSummary v : g.variants())
      if (v.kind() == Analysis.Kind.PRUNE && v.repeats() > 0) byMethod.computeIfAbsent(v.method(), k -> new ArrayList<>()).add(v);
    double maxRatio = 0;
    for (var e : byMethod.entrySet()) {
      List<Analysis.VariantSummary> vs = new ArrayList<>(e.getValue());
      vs.sort((a, b) -> Double.compare(a.ratio(), b.ratio()));
      boolean withBase = base != null && base.repeats() > 0;
      int n = vs.size() + (withBase ? 1 : 0);
      double[] x = new double[n], y = new double[n], err = new double[n];
      int i = 0;
      if (withBase) {
        x[0] = 0;
        y[0] = base.meanReturn();
        err[0] = halfWidth(base);
        i = 1;
      }
      for (Analysis.VariantSummary v : vs) {
        x[i] = v.ratio();
        y[i] = v.meanReturn();
        err[i++] = halfWidth(v);
        maxRatio = Math.max(maxRatio, v.ratio());
      }
      XYSeries s = c.addSeries(e.getKey(), x, y, err);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    if (base != null && base.repeats() > 0) {
      double line = keep * base.meanReturn();
      XYSeries s = c.addSeries(String.format("%.0f%% of baseline", 100 * keep), new double[] {0, Math.max(maxRatio, 0.05)},
          new double[] {line, line});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineStyle(SeriesLines.DASH_DASH);
      s.setLineColor(java.awt.Color.GRAY);
    }
    return png(c);
  }

  private static double halfWidth(Analysis.VariantSummary v) {
    double w = (v.ci95High() - v.ci95Low()) / 2;
    return Double.isFinite(w) ? w : 0;
  }

  /**
   * Inference time, energy, memory and size of each variant scaled by the baseline's (1 = as the
   * baseline; lower is better).
   */
  static byte[] resources(Analysis.Group g, boolean energyEstimated) {
    List<Analysis.VariantSummary> vs = g.variants().stream().filter(v -> v.repeats() > 0).toList();
    CategoryChart c = new CategoryChartBuilder().width(Math.max(820, 60 * vs.size() + 300)).height(520)
        .title(g.algorithm() + " " + g.env() + ": resources scaled by baseline (lower is better)")
        .xAxisTitle("variant").yAxisTitle("× baseline").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisLabelRotation(45);
    c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    List<String> names = vs.stream().map(Analysis.VariantSummary::variant).toList();
    series(c, "inference time (batch 1)", names, vs, v -> 1 / v.ratios().speedup());
    series(c, energyEstimated ? "energy (estimate)" : "energy (RAPL)", names, vs, v -> v.ratios().energyRatio());
    series(c, "memory (model share)", names, vs, v -> v.ratios().memoryRatio());
    series(c, "file size", names, vs, v -> v.ratios().sizeRatio());
    return png(c);
  }

  private static void series(CategoryChart c, String name, List<String> names, List<Analysis.VariantSummary> vs,
      ToDoubleFunction<Analysis.VariantSummary> f) {
    List<Double> y = new ArrayList<>();
    boolean any = false;
    for (Analysis.VariantSummary v : vs) {
      double d = f.applyAsDouble(v);
      y.add(Double.isFinite(d) ? d : 0.0);
      any |= Double.isFinite(d);
    }
    if (any) c.addSeries(name, names, y);
  }

  private static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> c) {
    try {
      return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.rlcompress.autocompress;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The search's Pareto plot: objective against mean return of every evaluated model, drawn with XChart. */
public final class ParetoPlot {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ParetoPlot() {}

  /** PNG bytes: evaluated candidates by verdict, the front as a line, the bar as a dashed line. */
  public static byte[] png(SearchResult r) {
    Objective o = r.options().objective();
    XYChart c = new XYChartBuilder().width(900).height(520)
        .title(r.options().envId() + ": " + o.cli() + " vs return (rlc compress, max drop "
            + Math.round(100 * r.options().maxDrop()) + "%)")
        .xAxisTitle(o.label).yAxisTitle("mean return on the search seeds").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setXAxisLogarithmic(o == Objective.SIZE);
    List<SearchResult.Row> rejected = new ArrayList<>();
    for (SearchResult.Row row : r.evaluated()) if (row != r.chosenRow()) rejected.add(row);
    points(c, "rejected", rejected, SeriesMarkers.CIRCLE, Color.GRAY);
    points(c, "original (fp32)", List.of(r.baseline()), SeriesMarkers.SQUARE, Color.BLACK);
    if (r.chosenRow() != null) points(c, "chosen", List.of(r.chosenRow()), SeriesMarkers.DIAMOND, new Color(0, 130, 60));
    List<SearchResult.Row> front = new ArrayList<>(r.table().stream().filter(SearchResult.Row::pareto).toList());
    front.sort(Comparator.comparingDouble(SearchResult.Row::objective));
    if (front.size() > 1) {
      XYSeries s = c.addSeries("Pareto front", front.stream().mapToDouble(SearchResult.Row::objective).toArray(),
          front.stream().mapToDouble(SearchResult.Row::meanReturn).toArray());
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(new Color(0, 90, 200));
    }
    double bar = r.bar();
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (SearchResult.Row row : r.table()) {
      lo = Math.min(lo, row.objective());
      hi = Math.max(hi, row.objective());
    }
    XYSeries b = c.addSeries(String.format("bar: %.0f%% of the original's return", 100 * (1 - r.options().maxDrop())),
        new double[] {lo, hi}, new double[] {bar, bar});
    b.setMarker(SeriesMarkers.NONE);
    b.setLineStyle(SeriesLines.DASH_DASH);
    b.setLineColor(Color.RED);
    try {
      return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void points(XYChart c, String name, List<SearchResult.Row> rows, org.knowm.xchart.style.markers.Marker m, Color color) {
    if (rows.isEmpty()) return;
    XYSeries s = c.addSeries(name, rows.stream().mapToDouble(SearchResult.Row::objective).toArray(),
        rows.stream().mapToDouble(SearchResult.Row::meanReturn).toArray());
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(m);
    s.setMarkerColor(color);
  }
}

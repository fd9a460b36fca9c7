package io.convspark.benchmarks.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The PNG: images/s per case, ConvSpark next to ORT, on a log axis (models differ 10x). */
final class Chart {
  private Chart() {}

  static void write(Report report, Path png) throws java.io.IOException {
    CategoryChart chart = new CategoryChartBuilder().width(1100).height(520)
        .title("ConvSpark vs ONNX Runtime, images/s (" + report.label() + ", "
            + report.species() + ")")
        .xAxisTitle("model, input, batch, threads").yAxisTitle("images/s (log)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(1.0); // bars start at the axis minimum, which log needs > 0
    chart.getStyler().setXAxisLabelRotation(20);
    List<String> labels = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> ort = new ArrayList<>();
    for (PairedRun.Result r : report.results()) {
      labels.add(r.c().label() + String.format(java.util.Locale.ROOT, " (%.2fx)",
          Stats.of(r.ratios()).median()));
      ours.add(Stats.of(r.convspark()).median());
      ort.add(Stats.of(r.ort()).median());
    }
    chart.addSeries("ConvSpark", labels, ours);
    chart.addSeries("ONNX Runtime", labels, ort);
    String file = png.toString();
    BitmapEncoder.saveBitmap(chart, file.substring(0, file.length() - 4),
        BitmapEncoder.BitmapFormat.PNG);
  }
}

package io.csflow.eval;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts saved as PNG with XChart, without a display: loading this class sets {@code java.awt.headless=true}
 * unless the property is already set.
 *
 * <pre>{@code
 * Charts.line("Reconstruction error vs measurements")
 *       .xLabel("m (measurements)").yLabel("per-pixel MSE").logY(true)
 *       .series("csgm", m, mse, mseStd)
 *       .series("lasso-dct", m, mseLasso)
 *       .save(Path.of("out/mse-vs-m.png"));
 * }</pre>
 */
public final class Charts {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 600;

    private Charts() {
    }

    /**
     * One line: points (x[i], y[i]), with optional symmetric error bars y[i] +- errors[i] ({@code errors} may be null).
     * Arrays are not copied.
     */
    public record Series(String name, double[] x, double[] y, double[] errors) {
        public Series {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a chart series needs a name");
            }
            if (x == null || y == null || x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": x and y must have the same length, got "
                        + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
            }
            if (x.length == 0) {
                throw new IllegalArgumentException("series " + name + " has no points");
            }
            if (errors != null && errors.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + errors.length + " error bars for "
                        + y.length + " points");
            }
        }

        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null);
        }
    }

    /** Starts a line chart. */
    public static LineChart line(String title) {
        return new LineChart(title);
    }

    /** Draws {@code series} as a line chart and saves it as a PNG of the default size. */
    public static void saveLineChart(Path file, String title, String xLabel, String yLabel, boolean logY,
            List<Series> series) throws IOException {
        LineChart chart = line(title).xLabel(xLabel).yLabel(yLabel).logY(logY);
        series.forEach(chart::series);
        chart.save(file);
    }

    /** log10(max / min) of the positive finite x or y values (0 when there are none). */
    static double decades(List<Series> series, boolean x) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Series s : series) {
            for (double v : x ? s.x() : s.y()) {
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return max > 0 ? Math.log10(max / min) : 0;
    }

    /** A line chart under construction. */
    public static final class LineChart {
        private final String title;
        private String xLabel = "";
        private String yLabel = "";
        private boolean logY;
        private boolean logX;
        private int width = DEFAULT_WIDTH;
        private int height = DEFAULT_HEIGHT;
        private final List<Series> series = new ArrayList<>();

        private LineChart(String title) {
            this.title = title == null ? "" : title;
        }

        public LineChart xLabel(String label) {
            this.xLabel = label == null ? "" : label;
            return this;
        }

        public LineChart yLabel(String label) {
            this.yLabel = label == null ? "" : label;
            return this;
        }

        /** Logarithmic y axis: every y must then be > 0. */
        public LineChart logY(boolean log) {
            this.logY = log;
            return this;
        }

        /** Logarithmic x axis: every x must then be > 0. */
        public LineChart logX(boolean log) {
            this.logX = log;
            return this;
        }

        /** Size of the PNG in pixels. */
        public LineChart size(int width, int height) {
            if (width < 100 || height < 100 || width > 10_000 || height > 10_000) {
                throw new IllegalArgumentException("chart size must be 100..10000 pixels a side, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        public LineChart series(String name, double[] x, double[] y) {
            return series(new Series(name, x, y));
        }

        public LineChart series(String name, double[] x, double[] y, double[] errors) {
            return series(new Series(name, x, y, errors));
        }

        public LineChart series(Series s) {
            series.add(s);
            return this;
        }

        /** The XChart chart, for further styling. */
        public XYChart build() {
            if (series.isEmpty()) {
                throw new IllegalArgumentException("chart \"" + title + "\" has no series");
            }
            Set<String> names = new HashSet<>();
            for (Series s : series) {
                if (!names.add(s.name())) {
                    throw new IllegalArgumentException("chart \"" + title + "\" has two series named " + s.name());
                }
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i])) {
                        throw new IllegalArgumentException("series " + s.name() + ": x[" + i + "] is " + s.x()[i]);
                    }
                    if (logX && s.x()[i] <= 0) {
                        throw new IllegalArgumentException("series " + s.name() + ": x[" + i + "] = " + s.x()[i]
                                + " cannot be drawn on a logarithmic x axis (values must be > 0)");
                    }
                    if (logY && s.y()[i] <= 0) {
                        throw new IllegalArgumentException("series " + s.name() + ": y[" + i + "] = " + s.y()[i]
                                + " cannot be drawn on a logarithmic y axis (values must be > 0)");
                    }
                }
            }
            XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                    .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
            var st = chart.getStyler();
            st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            st.setYAxisLogarithmic(logY);
            st.setXAxisLogarithmic(logX);
            // label the 2..9 ticks too when an axis spans at most two decades, else only powers of ten
            st.setYAxisLogarithmicDecadeOnly(decades(series, false) > 2);
            st.setXAxisLogarithmicDecadeOnly(decades(series, true) > 2);
            st.setLegendPosition(Styler.LegendPosition.InsideNE);
            st.setChartBackgroundColor(Color.WHITE);
            st.setPlotBackgroundColor(Color.WHITE);
            st.setPlotGridLinesColor(new Color(0xDDDDDD));
            st.setErrorBarsColorSeriesColor(true);
            st.setMarkerSize(6);
            for (Series s : series) {
                XYSeries xy = s.errors() == null ? chart.addSeries(s.name(), s.x(), s.y())
                        : chart.addSeries(s.name(), s.x(), s.y(), s.errors());
                xy.setMarker(SeriesMarkers.CIRCLE);
            }
            return chart;
        }

        /** Draws the chart and writes it to {@code file} as a PNG (exactly that name; parent folders are created). */
        public void save(Path file) throws IOException {
            XYChart chart = build();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        }
    }
}

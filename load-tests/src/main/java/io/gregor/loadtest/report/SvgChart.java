package io.gregor.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, so a report is one self-contained file that renders offline.
 * NaN values break a line; short series get point markers so a single point still shows. The y
 * axis is linear from zero or logarithmic (latencies span orders of magnitude).
 */
public final class SvgChart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 44;
    private static final int BOTTOM = 46;
    private static final int MARKER_LIMIT = 120;

    private record Series(String name, String color, double[] xs, double[] ys, boolean dashed) {
    }

    private record Shade(double from, double to, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<Shade> shades = new ArrayList<>();
    private double xFrom = Double.NaN;

    /**
     * @param title  above the plot
     * @param xLabel below the x axis
     * @param yLabel beside the y axis
     * @param logY   true for a logarithmic y axis
     */
    public SvgChart(String title, String xLabel, String yLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    /**
     * Adds a line.
     *
     * @param name  in the legend
     * @param color any SVG color
     * @param xs    x values
     * @param ys    y values, NaN where there is none
     * @return this
     */
    public SvgChart line(String name, String color, double[] xs, double[] ys) {
        series.add(new Series(name, color, xs, ys, false));
        return this;
    }

    /**
     * Adds a dashed line, for a series drawn over another that it often equals.
     *
     * @param name  in the legend
     * @param color any SVG color
     * @param xs    x values
     * @param ys    y values, NaN where there is none
     * @return this
     */
    public SvgChart dashedLine(String name, String color, double[] xs, double[] ys) {
        series.add(new Series(name, color, xs, ys, true));
        return this;
    }

    /**
     * Shades an x range, e.g. the warm-up.
     *
     * @param from  start of the range
     * @param to    end of the range
     * @param label written at its top
     * @return this
     */
    public SvgChart shade(double from, double to, String label) {
        if (to > from) {
            shades.add(new Shade(from, to, label));
        }
        return this;
    }

    /**
     * Starts the x axis at a value even where no series has a point, e.g. time zero.
     *
     * @param x the smallest x shown
     * @return this
     */
    public SvgChart xFrom(double x) {
        this.xFrom = x;
        return this;
    }

    /** @return the chart as an {@code <svg>} element */
    public String render() {
        double[] x = range(true);
        double[] y = range(false);
        Axis xAxis = Axis.linear(x[0], x[1], LEFT, WIDTH - RIGHT, false);
        Axis yAxis = logY ? Axis.log(y[0], y[1], HEIGHT - BOTTOM, TOP) : Axis.linear(0, y[1], HEIGHT - BOTTOM, TOP, true);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                + "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(text(LEFT, 18, title, "start", "font-size=\"15\" font-weight=\"bold\""));
        for (Shade s : shades) {
            double from = xAxis.at(Math.max(s.from(), x[0]));
            double to = xAxis.at(Math.min(s.to(), x[1]));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eeeeee\"/>%n",
                    from, TOP, Math.max(0, to - from), HEIGHT - TOP - BOTTOM));
            if (to - from > 8 * s.label().length()) { // a label wider than its range would spill over the plot's edge
                svg.append(text((from + to) / 2, TOP + 14, s.label(), "middle", "fill=\"#777\""));
            }
        }
        for (double t : xAxis.ticks()) {
            double px = xAxis.at(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n",
                    px, TOP, px, HEIGHT - BOTTOM));
            svg.append(text(px, HEIGHT - BOTTOM + 16, Axis.format(t), "middle", ""));
        }
        for (double t : yAxis.ticks()) {
            double py = yAxis.at(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n",
                    LEFT, py, WIDTH - RIGHT, py));
            svg.append(text(LEFT - 6, py + 4, Axis.format(t), "end", ""));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 8, xLabel, "middle", ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2.0, (TOP + HEIGHT - BOTTOM) / 2.0, escape(yLabel)));
        double legendX = WIDTH - RIGHT;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            legendX -= 14 + 7 * s.name().length() + 16;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"26\" width=\"12\" height=\"4\" fill=\"%s\"/>%n", legendX, s.color()));
            svg.append(text(legendX + 16, 32, s.name(), "start", ""));
        }
        for (Series s : series) {
            svg.append(path(s, xAxis, yAxis));
        }
        return svg.append("</svg>\n").toString();
    }

    private String path(Series s, Axis xAxis, Axis yAxis) {
        StringBuilder d = new StringBuilder();
        StringBuilder markers = new StringBuilder();
        boolean pen = false;
        int points = (int) java.util.Arrays.stream(s.ys()).filter(this::plottable).count();
        for (int i = 0; i < Math.min(s.xs().length, s.ys().length); i++) {
            if (!plottable(s.ys()[i])) {
                pen = false;
                continue;
            }
            double px = xAxis.at(s.xs()[i]);
            double py = yAxis.at(s.ys()[i]);
            d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", px, py));
            pen = true;
            if (points <= MARKER_LIMIT) {
                markers.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", px, py, s.color()));
            }
        }
        String line = d.isEmpty() ? "" : String.format(Locale.ROOT,
                "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" stroke-linejoin=\"round\"%s/>%n", d.toString().trim(),
                s.color(), s.dashed() ? " stroke-dasharray=\"6 4\"" : "");
        return line + markers + "\n";
    }

    private boolean plottable(double v) {
        return Double.isFinite(v) && (!logY || v > 0);
    }

    /** @return {min, max} over every series' x (or plottable y) values, never empty */
    private double[] range(boolean ofX) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < Math.min(s.xs().length, s.ys().length); i++) {
                if (plottable(s.ys()[i])) {
                    double v = ofX ? s.xs()[i] : s.ys()[i];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (ofX) {
            if (!Double.isNaN(xFrom)) {
                min = Math.min(min, xFrom);
                max = Math.max(max, xFrom);
            }
            for (Shade shade : shades) {
                min = Math.min(min, shade.from());
                max = Math.max(max, shade.to());
            }
        }
        if (min > max) {
            return new double[] {logY && !ofX ? 1 : 0, 1};
        }
        return min == max ? new double[] {ofX ? min - 1 : min / 2, max == 0 ? 1 : ofX ? max + 1 : max * 2} : new double[] {min, max};
    }

    static String text(double x, double y, String content, String anchor, String extra) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n", x, y, anchor, extra,
                escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

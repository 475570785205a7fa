package io.gregor.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Maps values to pixels and picks round tick values (1, 2, 5 times a power of ten). */
final class Axis {
    private final double lo;
    private final double hi;
    private final double pixelLo;
    private final double pixelHi;
    private final boolean log;
    private final List<Double> ticks;

    private Axis(double lo, double hi, double pixelLo, double pixelHi, boolean log, List<Double> ticks) {
        this.lo = lo;
        this.hi = hi;
        this.pixelLo = pixelLo;
        this.pixelHi = pixelHi;
        this.log = log;
        this.ticks = ticks;
    }

    /**
     * @param min     smallest value
     * @param max     largest value
     * @param roundUp true to extend the range to the next tick (for a y axis from zero)
     */
    static Axis linear(double min, double max, double pixelLo, double pixelHi, boolean roundUp) {
        double step = niceStep((max - min) / 6);
        double hi = roundUp ? Math.ceil(max / step) * step : max;
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min / step) * step; t <= hi + step * 1e-9; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return new Axis(min, hi, pixelLo, pixelHi, false, ticks);
    }

    /** A logarithmic axis over whole decades around [min, max]; both must be positive. */
    static Axis log(double min, double max, double pixelLo, double pixelHi) {
        int fromDecade = (int) Math.floor(Math.log10(min));
        int toDecade = Math.max(fromDecade + 1, (int) Math.ceil(Math.log10(max)));
        boolean dense = toDecade - fromDecade <= 3;
        List<Double> ticks = new ArrayList<>();
        for (int decade = fromDecade; decade <= toDecade; decade++) {
            double base = Math.pow(10, decade);
            ticks.add(base);
            if (dense && decade < toDecade) {
                ticks.add(2 * base);
                ticks.add(5 * base);
            }
        }
        return new Axis(Math.pow(10, fromDecade), Math.pow(10, toDecade), pixelLo, pixelHi, true, ticks);
    }

    /** @return the pixel coordinate of a value */
    double at(double value) {
        double fraction = log ? (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                : (value - lo) / (hi - lo);
        return pixelLo + fraction * (pixelHi - pixelLo);
    }

    /** @return the values to draw grid lines and labels at */
    List<Double> ticks() {
        return ticks;
    }

    /** @return a short label: no trailing zeros, at most three decimals */
    static String format(double value) {
        if (Math.abs(value) >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.2f", value / 1e6)) + "M";
        }
        return trim(String.format(Locale.ROOT, "%.3f", value));
    }

    private static String trim(String decimal) {
        return decimal.contains(".") ? decimal.replaceAll("0+$", "").replaceAll("\\.$", "") : decimal;
    }

    private static double niceStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double base = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / base;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * base;
    }
}

package io.gregor.loadtest;

import io.gregor.loadtest.report.RunResult.StepSeries;
import io.gregor.loadtest.scenario.StepClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns the step clock of {@code longhist} into the per-step series and its flatness checks. */
final class StepStats {
    /** Issue 3 compares the cost around step 100 with the cost at the end. */
    private static final int EARLY_FROM = 50;
    private static final int WINDOW = 100;

    private StepStats() {
    }

    /** @return the series, or null when the clock timed nothing */
    static StepSeries of(StepClock clock) {
        if (clock.steps() == 0) {
            return null;
        }
        return of(clock.perStepMillis(), clock.instances());
    }

    /**
     * @param perStep   per step index, latency in ms or NaN
     * @param instances how many instances the values average over
     * @return the series with its early and late medians
     */
    static StepSeries of(double[] perStep, int instances) {
        int n = perStep.length;
        // With fewer than 300 steps the windows shrink to the first and last third, so short runs still get a ratio.
        boolean longEnough = n >= EARLY_FROM + WINDOW + WINDOW;
        int earlyFrom = longEnough ? EARLY_FROM : 0;
        int earlyTo = longEnough ? EARLY_FROM + WINDOW : Math.max(1, n / 3);
        int lateFrom = longEnough ? n - WINDOW : n - Math.max(1, n / 3);
        Double early = median(perStep, earlyFrom, earlyTo);
        Double late = median(perStep, lateFrom, n);
        Double firstHalf = median(perStep, earlyFrom, n / 2);
        Double secondHalf = median(perStep, n / 2, n);
        List<Double> values = new ArrayList<>(n);
        for (double v : perStep) {
            values.add(Double.isNaN(v) ? null : round(v));
        }
        return new StepSeries(n, instances, values, early, late, ratio(late, early), firstHalf, secondHalf,
                ratio(secondHalf, firstHalf));
    }

    private static Double ratio(Double later, Double earlier) {
        return earlier != null && later != null && earlier > 0 ? round(later / earlier) : null;
    }

    private static Double median(double[] values, int from, int to) {
        double[] seen = Arrays.stream(values, Math.max(0, from), Math.max(from, to)).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (seen.length == 0) {
            return null;
        }
        double mid = seen.length % 2 == 1 ? seen[seen.length / 2] : (seen[seen.length / 2 - 1] + seen[seen.length / 2]) / 2;
        return round(mid);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

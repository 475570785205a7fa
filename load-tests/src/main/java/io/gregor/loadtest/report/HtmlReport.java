package io.gregor.loadtest.report;

import io.gregor.loadtest.report.RunResult.IntervalSample;
import io.gregor.loadtest.report.RunResult.StepSeries;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * report.html: the summary, the run's parameters and machine, and plots of throughput and
 * latency percentiles over time (plus per-step latency for longhist). One file with inline SVG
 * and CSS: no scripts, no network.
 */
public final class HtmlReport {
    private static final int MAX_STEP_POINTS = 500;

    private HtmlReport() {
    }

    /**
     * @param result the run
     * @return the page
     */
    public static String render(RunResult result) {
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Gregor load test: %s</title>
                <style>
                body { font-family: sans-serif; margin: 24px; color: #222; max-width: 960px; }
                table { border-collapse: collapse; margin: 8px 0 20px; }
                td, th { border: 1px solid #ccc; padding: 3px 10px; text-align: left; font-size: 13px; }
                th { background: #f4f4f4; }
                svg { display: block; margin: 12px 0 24px; border: 1px solid #ddd; }
                p.note { font-size: 13px; color: #555; }
                </style></head><body>
                """.formatted(SvgChart.escape(result.scenario())));
        html.append("<h1>Gregor load test: ").append(SvgChart.escape(result.scenario())).append("</h1>\n");
        html.append("<p>Started ").append(SvgChart.escape(result.startedAt())).append(", commit <code>")
                .append(result.gitCommit() == null ? "unknown" : result.gitCommit()).append("</code></p>\n");
        html.append("<h2>Summary</h2>\n").append(table(summary(result)));
        html.append(throughputChart(result).render());
        html.append(latencyChart(result).render());
        if (result.steps() != null) {
            html.append(stepChart(result.steps()).render());
        }
        html.append("<p class=\"note\">").append(SvgChart.escape(result.latencyMethod())).append("</p>\n");
        html.append("<h2>Parameters</h2>\n").append(table(result.parameters()));
        html.append("<h2>Machine</h2>\n").append(table(result.hardware()));
        html.append("<h2>Infrastructure</h2>\n").append(table(result.infrastructure()));
        return html.append("</body></html>\n").toString();
    }

    private static Map<String, Object> summary(RunResult r) {
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("throughput", r.throughputPerSecond() + " instances/s over " + r.measuredSeconds() + " s");
        rows.put("latency p50 / p90 / p99 / p99.9 / max", r.latencyMs().p50() + " / " + r.latencyMs().p90() + " / "
                + r.latencyMs().p99() + " / " + r.latencyMs().p999() + " / " + r.latencyMs().max() + " ms");
        rows.put("latency mean", r.latencyMs().mean() + " ms over " + r.latencyMs().count() + " instances");
        rows.put("started / completed / failed / unfinished", r.counts().started() + " / " + r.counts().completed() + " / "
                + r.counts().failed() + " / " + r.counts().unfinished());
        rows.put("closed-loop wait timeouts", r.counts().waitTimeouts());
        rows.put("elapsed (first start to last completion)", r.elapsedSeconds() + " s");
        rows.put("peak heap / peak RSS", mib(r.memory().peakHeapBytes()) + " / " + mib(r.memory().peakRssBytes()));
        if (r.steps() != null) {
            rows.put("per-step median around step 100 / at the end", r.steps().earlyMedianMs() + " / " + r.steps().lateMedianMs()
                    + " ms (late/early " + r.steps().lateOverEarly() + ")");
            rows.put("per-step median over the first / second half", r.steps().firstHalfMedianMs() + " / "
                    + r.steps().secondHalfMedianMs() + " ms (second/first " + r.steps().secondHalfOverFirst() + ")");
        }
        if (r.recovery() != null) {
            RunResult.Recovery k = r.recovery();
            rows.put("in flight at the SIGKILL", k.inFlightAtKill());
            rows.put("kill to replacement RUNNING / to last completion", k.killToRunningSeconds() + " s / "
                    + k.killToLastCompletionSeconds() + " s");
            rows.put("completion records / lost / duplicated", k.completionRecords() + " / " + k.lost() + " / " + k.duplicated()
                    + (k.drained() ? "" : " (drain timed out)"));
        }
        if (r.queriesMs() != null) {
            r.queriesMs().forEach((query, l) -> rows.put(query + ": p50 / p90 / max", l.p50() + " / " + l.p90() + " / " + l.max()
                    + " ms over " + l.count() + " requests"));
        }
        if (r.clientStarts() != null) {
            r.clientStarts().forEach((way, c) -> rows.put(way + " starts: per second / p50 / p99 / max", c.perSecond() + " / "
                    + c.latencyMs().p50() + " / " + c.latencyMs().p99() + " / " + c.latencyMs().max() + " ms over " + c.starts()
                    + " starts in " + c.seconds() + " s; " + c.lost() + " lost, " + c.duplicated() + " duplicated"));
        }
        return rows;
    }

    private static SvgChart throughputChart(RunResult r) {
        List<IntervalSample> s = r.series();
        return phases(new SvgChart("Throughput over time", "seconds since the first start", "instances per second", false), s)
                .line("completed/s", "#d62728", times(s), perSecond(s, IntervalSample::completed))
                .dashedLine("started/s", "#1f77b4", times(s), perSecond(s, IntervalSample::started));
    }

    private static SvgChart latencyChart(RunResult r) {
        List<IntervalSample> s = r.series();
        return phases(new SvgChart("Latency percentiles over time (per 1-second interval)", "seconds since the first start",
                "start-to-completion latency, ms (log)", true), s)
                // Highest first, so that where percentiles coincide (few completions per second) the lower ones stay visible.
                .line("max", "#d62728", times(s), values(s, IntervalSample::max))
                .line("p99", "#ff7f0e", times(s), values(s, IntervalSample::p99))
                .line("p90", "#1f77b4", times(s), values(s, IntervalSample::p90))
                .line("p50", "#2ca02c", times(s), values(s, IntervalSample::p50));
    }

    /** Long histories are summarized per bucket of consecutive steps: median and max. */
    private static SvgChart stepChart(StepSeries steps) {
        List<Double> values = steps.latencyMs();
        int bucket = Math.max(1, (int) Math.ceil(values.size() / (double) MAX_STEP_POINTS));
        int buckets = (values.size() + bucket - 1) / bucket;
        double[] xs = new double[buckets];
        double[] medians = new double[buckets];
        double[] maxima = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            double[] in = values.subList(b * bucket, Math.min(values.size(), (b + 1) * bucket)).stream()
                    .filter(v -> v != null).mapToDouble(Double::doubleValue).sorted().toArray();
            xs[b] = b * bucket;
            medians[b] = in.length == 0 ? Double.NaN : in[in.length / 2];
            maxima[b] = in.length == 0 ? Double.NaN : in[in.length - 1];
        }
        String title = bucket == 1 ? "Per-step latency vs step index"
                : "Per-step latency vs step index (median and max per " + bucket + " steps)";
        SvgChart chart = new SvgChart(title, "step index", "step latency, ms (log)", true);
        if (bucket > 1) {
            chart.line("max", "#ff7f0e", xs, maxima);
        }
        return chart.line(bucket == 1 ? "latency" : "median", "#1f77b4", xs, medians);
    }

    private static SvgChart phases(SvgChart chart, List<IntervalSample> s) {
        double warmupEnd = s.stream().filter(i -> i.phase().equals("warmup")).mapToDouble(IntervalSample::t).max().orElse(0);
        double measureEnd = s.stream().filter(i -> !i.phase().equals("drain")).mapToDouble(IntervalSample::t).max().orElse(0);
        double end = s.stream().mapToDouble(IntervalSample::t).max().orElse(0);
        return chart.xFrom(0).shade(0, warmupEnd, "warm-up").shade(measureEnd, end, "drain");
    }

    private static double[] times(List<IntervalSample> s) {
        return s.stream().mapToDouble(IntervalSample::t).toArray();
    }

    /**
     * Counts per interval divided by the interval's length. The last interval is usually a
     * fraction of a second; below half a second its rate would be noise, so it is left out.
     */
    private static double[] perSecond(List<IntervalSample> s, ToDoubleFunction<IntervalSample> count) {
        double[] out = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            double length = s.get(i).t() - (i == 0 ? 0 : s.get(i - 1).t());
            out[i] = length >= 0.5 ? count.applyAsDouble(s.get(i)) / length : Double.NaN;
        }
        return out;
    }

    private static double[] values(List<IntervalSample> s, java.util.function.Function<IntervalSample, Double> value) {
        return s.stream().map(value).mapToDouble(v -> v == null ? Double.NaN : v).toArray();
    }

    private static String table(Map<String, ?> rows) {
        if (rows == null) {
            return "";
        }
        StringBuilder t = new StringBuilder("<table>\n");
        rows.forEach((k, v) -> t.append("<tr><th>").append(SvgChart.escape(k)).append("</th><td>")
                .append(SvgChart.escape(v instanceof Object[] a ? Arrays.toString(a) : String.valueOf(v))).append("</td></tr>\n"));
        return t.append("</table>\n").toString();
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : (bytes / (1024 * 1024)) + " MiB";
    }
}

package io.gregor.loadtest.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The result of a {@link io.gregor.loadtest.Comparison}: every run, the median per case and
 * engine over the rounds, and the ratios issue 3 sets targets for (first engine over second),
 * written as {@code comparison.json} and {@code comparison.md}.
 *
 * @param gitCommit  {@code git rev-parse HEAD}, or null
 * @param startedAt  when the comparison started (ISO-8601, UTC)
 * @param hardware   the machine
 * @param parameters engines, rounds, cases and the options of every run
 * @param engines    subject first, baseline second
 * @param medians    per case id, per engine: the medians over its successful runs
 * @param ratios     subject over baseline, with the target
 * @param runs       every run, in the order it ran
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComparisonReport(String gitCommit, String startedAt, Map<String, Object> hardware,
                               Map<String, Object> parameters, List<String> engines,
                               Map<String, Map<String, Medians>> medians, List<Ratio> ratios, List<RunEntry> runs) {
    /** The JSON file's name. */
    public static final String JSON = "comparison.json";
    /** The markdown file's name. */
    public static final String MARKDOWN = "comparison.md";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One run of a case on an engine.
     *
     * @param round      1-based round
     * @param caseId     the case
     * @param engine     the engine
     * @param dir        where its result.json and report.html are
     * @param throughput completed instances per second in the measured window, or null if the run failed
     * @param p50Ms      median latency, or null
     * @param p99Ms      99th percentile latency, or null
     * @param completed  instances completed
     * @param failed     instances failed
     * @param unfinished instances not finished when the driver stopped waiting
     * @param error      why the run failed, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunEntry(int round, String caseId, String engine, String dir, Double throughput, Double p50Ms, Double p99Ms,
                           long completed, long failed, long unfinished, String error) {

        /** @return the entry of a run that produced a result */
        public static RunEntry of(int round, String caseId, String engine, String dir, RunResult r) {
            boolean clean = r.counts().failed() == 0 && r.counts().unfinished() == 0;
            return new RunEntry(round, caseId, engine, dir, r.throughputPerSecond(), r.latencyMs().p50(), r.latencyMs().p99(),
                    r.counts().completed(), r.counts().failed(), r.counts().unfinished(),
                    clean ? null : "not every instance completed");
        }

        /** @return the entry of a run that threw */
        public static RunEntry failed(int round, String caseId, String engine, String dir, String error) {
            return new RunEntry(round, caseId, engine, dir, null, null, null, 0, 0, 0, error);
        }
    }

    /**
     * Medians over the successful runs of one case on one engine.
     *
     * @param runs       how many runs count
     * @param throughput completed instances per second
     * @param p50Ms      median latency
     * @param p99Ms      99th percentile latency
     */
    public record Medians(int runs, Double throughput, Double p50Ms, Double p99Ms) {
    }

    /**
     * One of the targets.
     *
     * @param name     what is compared
     * @param subject  the first engine's value
     * @param baseline the second engine's value
     * @param ratio    subject / baseline, or null if either is missing
     * @param target   the target for the ratio
     * @param met      whether the ratio meets it, or null if unknown
     */
    public record Ratio(String name, Double subject, Double baseline, Double ratio, String target, Boolean met) {
    }

    /**
     * Computes medians and ratios.
     *
     * @param engines    subject first, baseline second
     * @param caseIds    the cases that ran, in order
     * @param runs       every run
     * @param parameters how the comparison was configured
     * @param gitCommit  the commit, or null
     * @param startedAt  when it started
     * @param hardware   the machine
     * @return the comparison
     */
    public static ComparisonReport of(List<String> engines, List<String> caseIds, List<RunEntry> runs,
                                      Map<String, Object> parameters, String gitCommit, String startedAt,
                                      Map<String, Object> hardware) {
        Map<String, Map<String, Medians>> medians = new LinkedHashMap<>();
        for (String caseId : caseIds) {
            Map<String, Medians> byEngine = new LinkedHashMap<>();
            for (String engine : engines) {
                List<RunEntry> ok = runs.stream()
                        .filter(r -> r.caseId().equals(caseId) && r.engine().equals(engine) && r.error() == null).toList();
                byEngine.put(engine, new Medians(ok.size(), median(ok, RunEntry::throughput), median(ok, RunEntry::p50Ms),
                        median(ok, RunEntry::p99Ms)));
            }
            medians.put(caseId, byEngine);
        }
        String subject = engines.get(0);
        String baseline = engines.get(1);
        List<Ratio> ratios = Stream.of(
                ratio("seq10 throughput at saturation (instances/s)", medians, "seq10-saturation", subject, baseline,
                        Medians::throughput, 1, ">= 3", true, 3),
                ratio("hello1 throughput at saturation (instances/s)", medians, "hello1-saturation", subject, baseline,
                        Medians::throughput, 1, ">= 2", true, 2),
                ratio("per-step p50 at concurrency 1 (seq10 p50 / 10, ms)", medians, "seq10-c1", subject, baseline,
                        Medians::p50Ms, 10, "<= 0.5", false, 0.5),
                laterSteps(medians, subject, baseline),
                ratio("fan100 p50 at concurrency 1 (ms)", medians, "fan100-c1", subject, baseline,
                        Medians::p50Ms, 1, "<= 1/3", false, 1.0 / 3))
                .filter(Objects::nonNull).toList();
        return new ComparisonReport(gitCommit, startedAt, hardware, parameters, engines, medians, ratios, runs);
    }

    private static Ratio ratio(String name, Map<String, Map<String, Medians>> medians, String caseId, String subject,
                               String baseline, Function<Medians, Double> metric, double divisor, String target,
                               boolean higherIsBetter, double bound) {
        Map<String, Medians> byEngine = medians.get(caseId);
        if (byEngine == null) {
            return null; // the case was not run (--scenario)
        }
        Double s = scaled(metric.apply(byEngine.get(subject)), divisor);
        Double b = scaled(metric.apply(byEngine.get(baseline)), divisor);
        Double r = s == null || b == null || b == 0 ? null : round(s / b);
        Boolean met = r == null ? null : higherIsBetter ? r >= bound : r <= bound;
        return new Ratio(name, s, b, r, target, met);
    }

    /**
     * seq10 / 10 spreads the cost of starting and of observing the end over the steps; the difference of seq10 and
     * hello1 at one in flight leaves nine steps alone. No target: the per-step figure is seq10 / 10.
     */
    private static Ratio laterSteps(Map<String, Map<String, Medians>> medians, String subject, String baseline) {
        Map<String, Medians> hello1 = medians.get("hello1-c1");
        Map<String, Medians> seq10 = medians.get("seq10-c1");
        if (hello1 == null || seq10 == null) {
            return null;
        }
        Double s = stepsBeyondFirst(hello1.get(subject), seq10.get(subject));
        Double b = stepsBeyondFirst(hello1.get(baseline), seq10.get(baseline));
        Double r = s == null || b == null || b <= 0 ? null : round(s / b);
        return new Ratio("p50 of a step beyond the first at concurrency 1 ((seq10 - hello1) p50 / 9, ms)", s, b, r,
                "none (shown to separate steps from start and end)", null);
    }

    private static Double stepsBeyondFirst(Medians hello1, Medians seq10) {
        return hello1.p50Ms() == null || seq10.p50Ms() == null ? null : round((seq10.p50Ms() - hello1.p50Ms()) / 9);
    }

    private static Double scaled(Double value, double divisor) {
        return value == null ? null : round(value / divisor);
    }

    private static Double median(List<RunEntry> runs, Function<RunEntry, Double> metric) {
        ToDoubleFunction<RunEntry> value = r -> metric.apply(r);
        double[] values = runs.stream().filter(r -> metric.apply(r) != null).mapToDouble(value).sorted().toArray();
        if (values.length == 0) {
            return null;
        }
        int mid = values.length / 2;
        return round(values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /**
     * Writes comparison.json and comparison.md.
     *
     * @param dir created if missing
     * @throws IOException if a file cannot be written
     */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        MAPPER.writeValue(dir.resolve(JSON).toFile(), this);
        Files.writeString(dir.resolve(MARKDOWN), markdown(), StandardCharsets.UTF_8);
    }

    /** @return the tables: medians per case and engine, the ratios against their targets, and every run */
    public String markdown() {
        String subject = engines.get(0);
        String baseline = engines.get(1);
        StringBuilder md = new StringBuilder("# Peer comparison: ").append(subject).append(" vs ").append(baseline)
                .append("\n\nCommit `").append(gitCommit == null ? "unknown" : gitCommit).append("`, started ")
                .append(startedAt).append(", ").append(hardware.get("cores")).append(" cores, ")
                .append(hardware.get("cpuModel")).append(". Same broker, same driver, engines alternated case by case; ")
                .append("medians over ").append(parameters.get("rounds")).append(" rounds.\n\n");
        md.append("## Ratios (").append(subject).append(" / ").append(baseline).append(")\n\n")
                .append("| Metric | ").append(subject).append(" | ").append(baseline).append(" | Ratio | Target | Met |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Ratio r : ratios) {
            md.append("| ").append(r.name()).append(" | ").append(cell(r.subject())).append(" | ").append(cell(r.baseline()))
                    .append(" | ").append(cell(r.ratio())).append(" | ").append(r.target()).append(" | ")
                    .append(r.met() == null ? "-" : r.met() ? "yes" : "no").append(" |\n");
        }
        md.append("\n## Medians per case\n\n| Case | Engine | Runs | Throughput /s | p50 ms | p99 ms |\n")
                .append("|---|---|---|---|---|---|\n");
        medians.forEach((caseId, byEngine) -> byEngine.forEach((engine, m) -> md.append("| ").append(caseId).append(" | ")
                .append(engine).append(" | ").append(m.runs()).append(" | ").append(cell(m.throughput())).append(" | ")
                .append(cell(m.p50Ms())).append(" | ").append(cell(m.p99Ms())).append(" |\n")));
        md.append("\n## Runs\n\n| Round | Case | Engine | Throughput /s | p50 ms | p99 ms | Completed | Failed | Unfinished | Error |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunEntry r : runs) {
            md.append("| ").append(r.round()).append(" | ").append(r.caseId()).append(" | ").append(r.engine()).append(" | ")
                    .append(cell(r.throughput())).append(" | ").append(cell(r.p50Ms())).append(" | ").append(cell(r.p99Ms()))
                    .append(" | ").append(r.completed()).append(" | ").append(r.failed()).append(" | ").append(r.unfinished())
                    .append(" | ").append(r.error() == null ? "" : r.error().replace('|', '/')).append(" |\n");
        }
        md.append("\nPer-run options: `").append(parameters.get("perRunOptions")).append("`. Each run's result.json and ")
                .append("report.html are under `runs/`.\n");
        return md.toString();
    }

    private static String cell(Double value) {
        return value == null ? "-" : String.valueOf(value);
    }
}

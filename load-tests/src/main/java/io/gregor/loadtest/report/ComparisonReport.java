package io.gregor.loadtest.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The result of a {@link io.gregor.loadtest.Comparison}: every run, the median per case and
 * engine over the rounds, and the ratios issue 11 sets targets for (first engine over second,
 * and the subject's step over the raw Kafka round trip), written as {@code comparison.json} and
 * {@code comparison.md}.
 *
 * @param gitCommit  {@code git rev-parse HEAD}, or null
 * @param startedAt  when the comparison started (ISO-8601, UTC)
 * @param hardware   the machine
 * @param parameters engines, rounds, cases and the options of every run
 * @param engines    subject first, baseline second
 * @param medians    per case id, per engine that ran it ({@link #RAW_KAFKA} for the probe): the medians over its
 *                   successful runs
 * @param ratios     subject over baseline (or over the probe), with the target
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
    /** The case of the raw Kafka probe, run once per round rather than per engine. */
    public static final String RAW_TWO_HOP = "raw-two-hop";
    /** What stands for the engine in the probe's runs: plain Kafka clients, no engine. */
    public static final String RAW_KAFKA = "kafka";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** seq10 / 10 spreads the cost of starting and of observing the end over the steps; seq10 - hello1 leaves nine steps alone. */
    private static final Figure STEP_BEYOND_FIRST = Figure.of("hello1-c1", Medians::p50Ms, 1)
            .combinedWith(Figure.of("seq10-c1", Medians::p50Ms, 1), (hello1, seq10) -> (seq10 - hello1) / 9);

    /** The table of targets, in the order shown; a row is left out when the comparison did not run a case it needs. */
    private static final List<Row> ROWS = List.of(
            Row.ofEngines("seq10 throughput at saturation (instances/s)",
                    Figure.of("seq10-saturation", Medians::throughput, 1), Target.atLeast(3)),
            Row.ofEngines("hello1 throughput at saturation (instances/s)",
                    Figure.of("hello1-saturation", Medians::throughput, 1), Target.atLeast(2)),
            Row.ofEngines("per-step p50 at concurrency 1 (seq10 p50 / 10, ms)", Figure.of("seq10-c1", Medians::p50Ms, 10),
                    Target.none("none (informational: issue 3's figure, start and end included)")),
            Row.ofEngines("p50 of a step beyond the first at concurrency 1 ((seq10 - hello1) p50 / 9, ms)", STEP_BEYOND_FIRST,
                    Target.atMost(1)),
            new Row("step beyond the first / raw two-hop p50 (ms)", STEP_BEYOND_FIRST,
                    Figure.of(RAW_TWO_HOP, Medians::p50Ms, 1).on(RAW_KAFKA), RAW_TWO_HOP, Target.atMost(2.5)),
            Row.ofEngines("fan100 p50 at concurrency 1 (ms)", Figure.of("fan100-c1", Medians::p50Ms, 1), Target.atMost(0.2)));

    /**
     * One run of a case on an engine.
     *
     * @param round      1-based round
     * @param caseId     the case
     * @param engine     the engine ({@link #RAW_KAFKA} for the probe)
     * @param dir        where its result.json and report.html are
     * @param throughput completed instances per second in the measured window, or null if the run failed
     * @param p50Ms      median latency, or null
     * @param p90Ms      90th percentile latency, or null
     * @param p99Ms      99th percentile latency, or null
     * @param completed  instances completed
     * @param failed     instances failed
     * @param unfinished instances not finished when the driver stopped waiting
     * @param error      why the run failed, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunEntry(int round, String caseId, String engine, String dir, Double throughput, Double p50Ms, Double p90Ms,
                           Double p99Ms, long completed, long failed, long unfinished, String error) {

        /** @return the entry of a run that produced a result */
        public static RunEntry of(int round, String caseId, String engine, String dir, RunResult r) {
            boolean clean = r.counts().failed() == 0 && r.counts().unfinished() == 0;
            return new RunEntry(round, caseId, engine, dir, r.throughputPerSecond(), r.latencyMs().p50(), r.latencyMs().p90(),
                    r.latencyMs().p99(), r.counts().completed(), r.counts().failed(), r.counts().unfinished(),
                    clean ? null : "not every instance completed");
        }

        /** @return the entry of a run that threw */
        public static RunEntry failed(int round, String caseId, String engine, String dir, String error) {
            return new RunEntry(round, caseId, engine, dir, null, null, null, null, 0, 0, 0, error);
        }
    }

    /**
     * Medians over the successful runs of one case on one engine.
     *
     * @param runs       how many runs count
     * @param throughput completed instances per second
     * @param p50Ms      median latency
     * @param p90Ms      90th percentile latency
     * @param p99Ms      99th percentile latency
     */
    public record Medians(int runs, Double throughput, Double p50Ms, Double p90Ms, Double p99Ms) {
    }

    /**
     * One row of the targets table.
     *
     * @param name       what is compared
     * @param subject    the first engine's value
     * @param baseline   the value it is compared with
     * @param baselineOf whose that value is: the second engine, or {@link #RAW_TWO_HOP}
     * @param ratio      subject / baseline, or null if either is missing (or not positive)
     * @param target     the target for the ratio, or why there is none
     * @param met        whether the ratio meets it, or null if unknown or without a target
     */
    public record Ratio(String name, Double subject, Double baseline, String baselineOf, Double ratio, String target,
                        Boolean met) {
    }

    /** A figure of one engine from the medians, e.g. seq10-c1's p50 / 10; null when a median is missing. */
    private record Figure(List<String> cases, BiFunction<Map<String, Map<String, Medians>>, String, Double> value) {
        static Figure of(String caseId, Function<Medians, Double> metric, double divisor) {
            return new Figure(List.of(caseId), (medians, engine) -> {
                Medians m = medians.get(caseId).get(engine);
                Double v = m == null ? null : metric.apply(m);
                return v == null ? null : round(v / divisor);
            });
        }

        /** @return this figure of one engine, whichever engine it is asked for */
        Figure on(String engine) {
            return new Figure(cases, (medians, ignored) -> value.apply(medians, engine));
        }

        Figure combinedWith(Figure other, BinaryOperator<Double> combine) {
            List<String> both = Stream.concat(cases.stream(), other.cases.stream()).toList();
            return new Figure(both, (medians, engine) -> {
                Double a = value.apply(medians, engine);
                Double b = other.value.apply(medians, engine);
                return a == null || b == null ? null : round(combine.apply(a, b));
            });
        }
    }

    /** What a ratio must be, with its label derived from the bound so the two cannot drift apart. */
    private record Target(String label, DoublePredicate meets) {
        static Target atLeast(double bound) {
            return new Target(">= " + plain(bound), r -> r >= bound);
        }

        static Target atMost(double bound) {
            return new Target("<= " + plain(bound), r -> r <= bound);
        }

        static Target none(String why) {
            return new Target(why, null);
        }

        Boolean met(Double ratio) {
            return meets == null || ratio == null ? null : meets.test(ratio);
        }

        private static String plain(double bound) {
            return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
        }
    }

    /**
     * @param baselineOf null: the same figure of the second engine; else whose the baseline figure is
     */
    private record Row(String name, Figure subject, Figure baseline, String baselineOf, Target target) {
        static Row ofEngines(String name, Figure figure, Target target) {
            return new Row(name, figure, figure, null, target);
        }

        boolean applies(Map<String, Map<String, Medians>> medians) {
            return medians.keySet().containsAll(subject.cases()) && medians.keySet().containsAll(baseline.cases());
        }

        Ratio evaluate(Map<String, Map<String, Medians>> medians, String subjectEngine, String baselineEngine) {
            Double s = subject.value().apply(medians, subjectEngine);
            Double b = baseline.value().apply(medians, baselineEngine);
            Double r = s == null || b == null || s < 0 || b <= 0 ? null : round(s / b);
            return new Ratio(name, s, b, baselineOf == null ? baselineEngine : baselineOf, r, target.label(), target.met(r));
        }
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
            runs.stream().filter(r -> r.caseId().equals(caseId)).map(RunEntry::engine).distinct().forEach(engine -> {
                List<RunEntry> ok = runs.stream()
                        .filter(r -> r.caseId().equals(caseId) && r.engine().equals(engine) && r.error() == null).toList();
                byEngine.put(engine, new Medians(ok.size(), median(ok, RunEntry::throughput), median(ok, RunEntry::p50Ms),
                        median(ok, RunEntry::p90Ms), median(ok, RunEntry::p99Ms)));
            });
            medians.put(caseId, byEngine);
        }
        List<Ratio> ratios = ROWS.stream().filter(row -> row.applies(medians))
                .map(row -> row.evaluate(medians, engines.get(0), engines.get(1))).toList();
        return new ComparisonReport(gitCommit, startedAt, hardware, parameters, engines, medians, ratios, runs);
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
        md.append("## Ratios (").append(subject).append(" / ").append(baseline).append(", or as named)\n\n")
                .append("| Metric | ").append(subject).append(" | ").append(baseline).append(" | Ratio | Target | Met |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Ratio r : ratios) {
            md.append("| ").append(r.name()).append(" | ").append(cell(r.subject())).append(" | ").append(cell(r.baseline()))
                    .append(r.baselineOf().equals(baseline) ? "" : " (" + r.baselineOf() + ")").append(" | ")
                    .append(cell(r.ratio())).append(" | ").append(r.target()).append(" | ")
                    .append(r.met() == null ? "-" : r.met() ? "yes" : "no").append(" |\n");
        }
        md.append("\n## Medians per case\n\n| Case | Engine | Runs | Throughput /s | p50 ms | p90 ms | p99 ms |\n")
                .append("|---|---|---|---|---|---|---|\n");
        medians.forEach((caseId, byEngine) -> byEngine.forEach((engine, m) -> md.append("| ").append(caseId).append(" | ")
                .append(engine).append(" | ").append(m.runs()).append(" | ").append(cell(m.throughput())).append(" | ")
                .append(cell(m.p50Ms())).append(" | ").append(cell(m.p90Ms())).append(" | ").append(cell(m.p99Ms()))
                .append(" |\n")));
        if (medians.containsKey(RAW_TWO_HOP)) {
            md.append("\n`").append(RAW_TWO_HOP).append("` runs no engine: plain Kafka clients on the same broker, one record ")
                    .append("at a time produced, consumed, produced again by a relay and consumed (a step's task to the worker ")
                    .append("and its result back), once per round; an instance is one round trip.\n");
        }
        md.append("\n## Runs\n\n| Round | Case | Engine | Throughput /s | p50 ms | p90 ms | p99 ms | Completed | Failed ")
                .append("| Unfinished | Error |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunEntry r : runs) {
            md.append("| ").append(r.round()).append(" | ").append(r.caseId()).append(" | ").append(r.engine()).append(" | ")
                    .append(cell(r.throughput())).append(" | ").append(cell(r.p50Ms())).append(" | ").append(cell(r.p90Ms()))
                    .append(" | ").append(cell(r.p99Ms()))
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

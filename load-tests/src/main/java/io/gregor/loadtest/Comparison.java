package io.gregor.loadtest;

import io.gregor.loadtest.engine.Engines;
import io.gregor.loadtest.report.ComparisonReport;
import io.gregor.loadtest.report.ComparisonReport.RunEntry;
import io.gregor.loadtest.report.RunResult;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer comparison of issues 3 and 11: the same driver runs the same cases against two engines on
 * the same broker, alternating (round 1: case A on engine 1, case A on engine 2, case B on engine 1,
 * ...; then round 2), plus once per round the raw Kafka probe ({@link RawTwoHopProbe}), and writes
 * {@code comparison.json} and {@code comparison.md} with the ratios the issue sets targets for.
 * Alternating case by case, rather than running one engine's whole suite and then the other's,
 * spreads any drift of the machine (other load, the broker's growing logs, a GC-heavy moment) over
 * both engines.
 *
 * <p>Every run is an ordinary {@link LoadDriver} run in this JVM, so they share one broker and
 * registry (embedded, or given with {@code --bootstrap}/{@code --registry}); each run's own
 * result.json and report.html land in {@code runs/} under the output directory.
 */
public final class Comparison {
    /** The command-line help of comparison mode. */
    public static final String USAGE = """
            Usage: LoadDriver --engine gregor,littlehorse [options]   (or --engine both)
              Runs, per round and alternating the engines, these closed-loop cases:
                hello1-saturation  hello1, --concurrency callers    (throughput)
                seq10-saturation   seq10, --concurrency callers     (throughput)
                hello1-c1          hello1, one in flight            (with seq10-c1: the p50 of the nine steps
                                                                    beyond the first, (seq10 - hello1) / 9)
                seq10-c1           seq10, one in flight             (per-step p50 = p50 / 10)
                fan100-c1          fan100, one in flight            (p50)
                raw-two-hop        no engine, once per round: plain Kafka clients, produce -> consume -> produce ->
                                   consume, one record in flight (the floor of a step: task to the worker, result back)
              Targets, subject / baseline: seq10 and hello1 throughput >= 3 and >= 2, the step beyond the first <= 1,
              fan100 p50 <= 0.2; and the subject's step beyond the first / the raw two-hop p50 <= 2.5.
              --rounds N               rounds of alternation (default 2); the table shows medians over rounds
              --concurrency N          callers of the saturation cases (default 16)
              --scenario S             only the cases of scenario S (raw-two-hop: only the probe)
              --out DIR                default target/loadtest/compare-<timestamp>
              --warmup, --duration, --partitions, --worker-concurrency, --bootstrap, --registry,
              --instance-timeout, --drain-timeout, --worker-mode   apply to every run (see LoadDriver --help;
                                       --worker-mode is Gregor's own: the peer runs its own worker)
            """;

    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    private static final Set<String> PASSED_ON = Set.of("--warmup", "--duration", "--partitions", "--worker-concurrency",
            "--bootstrap", "--registry", "--instance-timeout", "--drain-timeout", "--worker-mode");

    /**
     * One configuration measured on every engine, or, for the raw Kafka probe, once per round.
     *
     * @param id          its name in the table
     * @param scenario    what runs
     * @param concurrency closed-loop callers
     */
    public record Case(String id, Scenario scenario, int concurrency) {
        /**
         * @param engines the compared engines
         * @return those the case runs on: all of them, or for the probe, which runs none, just
         *         {@link ComparisonReport#RAW_KAFKA}
         */
        public List<String> runsOn(List<String> engines) {
            return scenario == Scenario.RAW_TWO_HOP ? List.of(ComparisonReport.RAW_KAFKA) : engines;
        }
    }

    private Comparison() {
    }

    /**
     * @param value the value of {@code --engine}
     * @return true if it names more than one engine, which means comparison mode
     */
    public static boolean isComparison(String value) {
        return value.equals("both") || value.contains(",");
    }

    /**
     * Runs every case on every engine, round after round, and writes the comparison files.
     * A run that fails is recorded with its error and the comparison goes on.
     *
     * @param args the command line (see {@link #USAGE})
     * @return the comparison, also written to {@code comparison.json} and {@code comparison.md}
     * @throws Exception if the files cannot be written
     * @throws IllegalArgumentException if the command line is wrong
     */
    public static ComparisonReport run(String... args) throws Exception {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --flag value pairs, but found '" + args[i] + "'");
            }
            given.put(args[i], args[++i]);
        }
        String engineList = given.remove("--engine");
        List<String> engines = engineList == null || engineList.equals("both") ? List.of("gregor", "littlehorse")
                : Arrays.stream(engineList.split(",")).map(String::trim).toList();
        if (engines.size() != 2) {
            throw new IllegalArgumentException("Expected two engines to compare (subject,baseline), but found " + engines);
        }
        engines.forEach(name -> Engines.create(name).close()); // fail before the first run, not halfway through
        int rounds = Integer.parseInt(given.getOrDefault("--rounds", "2"));
        given.remove("--rounds");
        List<Case> cases = cases(Integer.parseInt(given.getOrDefault("--concurrency", "16")), given.get("--scenario"));
        given.remove("--concurrency");
        given.remove("--scenario");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path out = Path.of(given.getOrDefault("--out", "target/loadtest/compare-" + stamp));
        given.remove("--out");
        List<String> passedOn = new ArrayList<>();
        given.forEach((flag, value) -> {
            if (!PASSED_ON.contains(flag)) {
                throw new IllegalArgumentException("Expected comparison options " + PASSED_ON
                        + " or --engine, --rounds, --concurrency, --scenario, --out, but found " + flag);
            }
            passedOn.add(flag);
            passedOn.add(value);
        });

        String startedAt = Instant.now().toString();
        List<RunEntry> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Case c : cases) {
                for (String engine : c.runsOn(engines)) {
                    runs.add(runOne(round, c, engine, passedOn, out));
                }
            }
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("engines", engines);
        parameters.put("rounds", rounds);
        parameters.put("cases", cases);
        parameters.put("perRunOptions", String.join(" ", passedOn));
        ComparisonReport report = ComparisonReport.of(engines, cases.stream().map(Case::id).toList(), runs, parameters, Environment.gitCommit(), startedAt,
                Environment.hardware());
        report.write(out);
        LOG.info("Wrote {} and {}", out.resolve(ComparisonReport.JSON).toAbsolutePath(),
                out.resolve(ComparisonReport.MARKDOWN).toAbsolutePath());
        return report;
    }

    private static List<Case> cases(int saturation, String onlyScenario) {
        List<Case> all = List.of(
                new Case("hello1-saturation", Scenario.HELLO1, saturation),
                new Case("seq10-saturation", Scenario.SEQ10, saturation),
                new Case("hello1-c1", Scenario.HELLO1, 1),
                new Case("seq10-c1", Scenario.SEQ10, 1),
                new Case("fan100-c1", Scenario.FAN100, 1),
                // Last in the round: the engines' runs have warmed up the JVM's Kafka client code by then.
                new Case(ComparisonReport.RAW_TWO_HOP, Scenario.RAW_TWO_HOP, 1));
        if (onlyScenario == null) {
            return all;
        }
        Scenario only = Scenario.of(onlyScenario);
        List<Case> chosen = all.stream().filter(c -> c.scenario() == only).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("Expected --scenario hello1, seq10, fan100 or raw-two-hop, but found " + onlyScenario);
        }
        return chosen;
    }

    private static RunEntry runOne(int round, Case c, String engine, List<String> passedOn, Path out) {
        Path dir = out.resolve("runs").resolve("r" + round + "-" + c.id() + "-" + engine);
        List<String> args = new ArrayList<>(passedOn);
        args.addAll(List.of("--scenario", c.scenario().id(), "--out", dir.toString()));
        if (c.scenario() != Scenario.RAW_TWO_HOP) {
            args.addAll(List.of("--engine", engine, "--mode", "closed", "--concurrency", String.valueOf(c.concurrency())));
        }
        LOG.info("=== Round {}: {} on {} ===", round, c.id(), engine);
        try {
            RunResult result = LoadDriver.run(DriverOptions.parse(args.toArray(String[]::new)));
            return RunEntry.of(round, c.id(), engine, dir.toString(), result);
        } catch (Exception e) {
            LOG.error("Round {}: {} on {} failed", round, c.id(), engine, e);
            return RunEntry.failed(round, c.id(), engine, dir.toString(), e.toString());
        }
    }
}

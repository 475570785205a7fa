package io.gregor.loadtest.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gregor.testkit.Support;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault harness run by hand ({@code load-tests/run.sh chaos [options]}): runs each scenario on
 * a fresh system and writes {@code report.md} and {@code report.json} into the output directory
 * (default {@code load-tests/target/chaos/chaos-<millis>}). Exits 1 if an invariant broke or a
 * scenario failed, 0 otherwise. Options: see {@link ChaosOptions#parse}.
 */
public final class ChaosMain {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");

    private ChaosMain() {
    }

    /**
     * @param args see {@link ChaosOptions#parse}
     */
    public static void main(String[] args) {
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            List<ChaosRun.Result> results = runAll(options);
            status = results.size() == options.scenarios().size()
                    && results.stream().allMatch(r -> r.violationTotal() == 0 && r.completed() == r.workflows()) ? 0 : 1;
        } catch (Exception e) {
            LOG.error("The fault harness failed", e);
            status = 1;
        }
        System.exit(status); // the brokers' and clients' non-daemon threads would keep the JVM alive
    }

    /**
     * Runs every scenario of the options, one after the other, writing the report after each.
     *
     * @param options the run's settings
     * @return the outcomes
     * @throws Exception if a system cannot start or the report cannot be written
     */
    public static List<ChaosRun.Result> runAll(ChaosOptions options) throws Exception {
        Files.createDirectories(options.out());
        List<ChaosRun.Result> results = new ArrayList<>();
        for (ChaosScenario scenario : options.scenarios()) {
            Path state = Files.createTempDirectory("gregor-chaos-" + scenario.label() + "-");
            try {
                results.add(ChaosRun.run(options, scenario, state));
            } finally {
                Support.deleteRecursively(state);
            }
            write(options, results);
        }
        return results;
    }

    private static void write(ChaosOptions options, List<ChaosRun.Result> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(options.out().resolve("report.json").toFile(), Map.of("workflowSteps", ChaosWorkload.STEPS,
                "workflowActivities", ChaosWorkload.ACTIVITIES, "scenarios", results));
        Files.writeString(options.out().resolve("report.md"), markdown(results));
        LOG.info("Wrote {}", options.out().resolve("report.md").toAbsolutePath());
    }

    static String markdown(List<ChaosRun.Result> results) {
        StringBuilder md = new StringBuilder("# Fault harness report\n\n");
        md.append("Each instance: ").append(ChaosWorkload.STEPS).append(" steps (").append(ChaosWorkload.ACTIVITIES)
                .append(" activities with its child's, a timer, an event, a fan-out of 6, a child workflow).\n")
                .append("Stall: per fault, the longest time a busy orchestrator partition committed no history record.\n\n")
                .append("| Scenario | Workflows | Completed | History records | Attempts failed | Time (s) | Faults | "
                        + "Stall median (ms) | Stall max (ms) | Violations |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (ChaosRun.Result r : results) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.workflows()).append(" | ").append(r.completed())
                    .append(" | ").append(r.historyRecords()).append(" | ").append(r.attemptsFailed()).append(" | ")
                    .append(r.seconds()).append(" | ")
                    .append(r.faults().size()).append(" | ").append(r.stallMedianMillis()).append(" | ")
                    .append(r.stallMaxMillis()).append(" | ").append(r.violationTotal() == 0 ? "0" : r.violationCounts())
                    .append(" |\n");
        }
        for (ChaosRun.Result r : results) {
            if (r.faults().isEmpty() && r.violations().isEmpty()) {
                continue;
            }
            md.append("\n## ").append(r.scenario()).append("\n\nSettings: ").append(r.settings()).append("\n\n")
                    .append("| Fault | At (s) | Ready again (ms) | Stall (ms) | Partitions stalled > 1 s | Per partition (ms) |\n"
                            + "|---|---|---|---|---|---|\n");
            for (ChaosRun.Fault f : r.faults()) {
                md.append("| ").append(f.what()).append(" | ").append(f.atSeconds()).append(" | ").append(f.restartMillis())
                        .append(" | ").append(f.stallMillis()).append(" | ").append(f.partitionsStalled()).append(" | ")
                        .append(f.perPartitionMillis()).append(" |\n");
            }
            r.violations().forEach(v -> md.append("\n- violation ").append(v));
            md.append('\n');
        }
        return md.toString();
    }
}

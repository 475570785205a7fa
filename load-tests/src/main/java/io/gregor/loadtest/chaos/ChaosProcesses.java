package io.gregor.loadtest.chaos;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Main classes of the fault harness's child JVMs ({@code io.gregor.testkit.ChildJvm}): an
 * orchestrator and an activity worker running {@link ChaosWorkload}, each printing
 * {@link #READY} once it runs and then running until it is killed.
 *
 * <p>Arguments are {@code key=value}: {@code bootstrap}, {@code registry}, {@code prefix}; for the
 * orchestrator {@code applicationId}, {@code stateDir}, {@code partitions},
 * {@code taskPartitions}, {@code replication} and any Kafka Streams property as
 * {@code streams.<key>=<value>}; for the worker {@code workerId}, {@code maxConcurrency},
 * {@code activityDelayMs} and any client property as {@code kafka.<key>=<value>}.
 */
public final class ChaosProcesses {
    /** Printed once the process runs. */
    public static final String READY = "GREGOR-CHAOS-READY";

    private ChaosProcesses() {
    }

    /** Runs an orchestrator until killed. */
    public static final class Orchestrator {
        private Orchestrator() {
        }

        /**
         * @param args see {@link ChaosProcesses}
         * @throws Exception if it cannot start (the JVM then halts non-zero)
         */
        public static void main(String[] args) throws Exception {
            Map<String, String> settings = parse(args);
            GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                    .bootstrapServers(require(settings, "bootstrap"))
                    .schemaRegistryUrl(require(settings, "registry"))
                    .topicPrefix(require(settings, "prefix"))
                    .applicationId(require(settings, "applicationId"))
                    .stateDir(require(settings, "stateDir"))
                    .partitions(Integer.parseInt(require(settings, "partitions")))
                    .taskPartitions(Integer.parseInt(require(settings, "taskPartitions")))
                    .replicationFactor(Integer.parseInt(require(settings, "replication")))
                    .httpEnabled(false)
                    .fenceDeadOrchestrators(Boolean.parseBoolean(settings.getOrDefault("fenceDeadOrchestrators", "true")))
                    .registerWorkflow(ChaosWorkload.WORKFLOW, ChaosWorkload.Order::new)
                    .registerWorkflow(ChaosWorkload.CHILD, ChaosWorkload.Child::new)
                    .registerWorkflow(ChaosWorkload.PROBE, ChaosWorkload.Probe::new);
            prefixed(settings, "streams.").forEach(builder::streamsProperty);
            try {
                GregorOrchestrator orchestrator = builder.build();
                orchestrator.start();
                orchestrator.awaitRunning(Duration.ofMinutes(5));
            } catch (Exception e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1); // Kafka's non-daemon threads would keep a failed JVM alive
            }
            System.out.println(READY + " orchestrator pid " + ProcessHandle.current().pid());
            new CountDownLatch(1).await();
        }
    }

    /** Runs an activity worker until killed. */
    public static final class Worker {
        private Worker() {
        }

        /**
         * @param args see {@link ChaosProcesses}
         * @throws InterruptedException never in practice: it blocks until killed
         */
        public static void main(String[] args) throws InterruptedException {
            Map<String, String> settings = parse(args);
            Duration delay = Duration.ofMillis(Long.parseLong(settings.getOrDefault("activityDelayMs", "0")));
            ActivityWorker.Builder builder = ActivityWorker.builder()
                    .bootstrapServers(require(settings, "bootstrap"))
                    .schemaRegistryUrl(require(settings, "registry"))
                    .topicPrefix(require(settings, "prefix"))
                    .workerId(require(settings, "workerId"))
                    .maxConcurrency(Integer.parseInt(settings.getOrDefault("maxConcurrency", "64")))
                    .registerActivity(ChaosWorkload.MIX, ctx -> ChaosWorkload.runMix(ctx, delay))
                    .registerActivity(ChaosWorkload.SLOW_MIX, ChaosWorkload::runSlowMix);
            prefixed(settings, "kafka.").forEach(builder::kafkaProperty);
            try {
                builder.build().start();
            } catch (RuntimeException e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(1);
            }
            System.out.println(READY + " worker pid " + ProcessHandle.current().pid());
            new CountDownLatch(1).await();
        }
    }

    /** @param args {@code key=value} arguments @return them as a map, in order */
    static Map<String, String> parse(String[] args) {
        // A harness that dies without closing us (SIGKILL, OOM) must not leave this process behind.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Expected arguments of the form key=value, but found '" + arg + "'");
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return settings;
    }

    /** @param settings settings @param prefix e.g. {@code streams.} @return those under it, the prefix removed */
    static Map<String, Object> prefixed(Map<String, String> settings, String prefix) {
        Map<String, Object> under = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                under.put(key.substring(prefix.length()), value);
            }
        });
        return under;
    }

    /** @param settings a map of settings @return them as {@code key=value} arguments */
    static List<String> toArgs(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private static String require(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Expected setting '" + key + "', but found none in " + settings);
        }
        return value;
    }
}

package io.gregor.loadtest.chaos;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.testkit.ChildJvm;
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
            Map<String, String> settings = ChildJvm.childSettings(args);
            GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                    .bootstrapServers(ChildJvm.require(settings, "bootstrap"))
                    .schemaRegistryUrl(ChildJvm.require(settings, "registry"))
                    .topicPrefix(ChildJvm.require(settings, "prefix"))
                    .applicationId(ChildJvm.require(settings, "applicationId"))
                    .stateDir(ChildJvm.require(settings, "stateDir"))
                    .partitions(Integer.parseInt(ChildJvm.require(settings, "partitions")))
                    .taskPartitions(Integer.parseInt(ChildJvm.require(settings, "taskPartitions")))
                    .replicationFactor(Integer.parseInt(ChildJvm.require(settings, "replication")))
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
            Map<String, String> settings = ChildJvm.childSettings(args);
            Duration delay = Duration.ofMillis(Long.parseLong(settings.getOrDefault("activityDelayMs", "0")));
            ActivityWorker.Builder builder = ActivityWorker.builder()
                    .bootstrapServers(ChildJvm.require(settings, "bootstrap"))
                    .schemaRegistryUrl(ChildJvm.require(settings, "registry"))
                    .topicPrefix(ChildJvm.require(settings, "prefix"))
                    .workerId(ChildJvm.require(settings, "workerId"))
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

}

package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.DriverOptions;
import io.gregor.orchestrator.GregorOrchestrator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The orchestrator of the recover scenario, alone in a JVM of its own so that the driver can
 * SIGKILL it: the same orchestrator as {@link LocalEngine} runs (see {@link EngineSetup}), on the
 * state directory and topic prefix given on the command line. It prints {@link #RUNNING} once
 * the orchestrator is RUNNING and then runs until it is killed; SIGTERM closes it cleanly.
 *
 * <pre>{@code java -cp ... io.gregor.loadtest.engine.gregor.OrchestratorProcess --bootstrap HOST:PORT
 *     --registry URL --prefix P --partitions N --task-partitions N --state-dir DIR --speculative true|false --commit-interval-ms MS
 *     --max-commit-delay-ms MS --streams-properties K=V,...
 *     [--session-timeout-ms MS]}</pre>
 */
public final class OrchestratorProcess {
    /** Printed, followed by the pid, once the orchestrator is RUNNING. */
    public static final String RUNNING = "GREGOR-LOADTEST-ORCHESTRATOR-RUNNING";

    /** Longer than the driver's default session timeout wait plus a restore, shorter than forever. */
    private static final Duration STARTUP = Duration.ofMinutes(5);

    private OrchestratorProcess() {
    }

    /**
     * Exits 2 on a bad command line, 1 if the orchestrator does not reach RUNNING; otherwise runs
     * until killed.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        Settings settings = null;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        haltWithParent();
        try {
            GregorOrchestrator orchestrator = settings.builder().build();
            Runtime.getRuntime().addShutdownHook(new Thread(orchestrator::close, "orchestrator-shutdown"));
            orchestrator.start();
            orchestrator.awaitRunning(STARTUP);
            System.out.println(RUNNING + " pid " + ProcessHandle.current().pid());
            new CountDownLatch(1).await();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // Kafka's non-daemon threads would keep a failed orchestrator's JVM alive
        }
    }

    /** A driver that dies without closing us (SIGKILL, OOM) must not leave an orchestrator behind. */
    private static void haltWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    }

    /**
     * The child's command line.
     *
     * @param bootstrap      Kafka
     * @param registry       schema registry
     * @param prefix         topic prefix (the application id follows from it)
     * @param partitions     partitions of the input topics, when it creates them
     * @param taskPartitions partitions of the activity-tasks topic, when it creates it
     * @param stateDir       its state directory; a replacement gets the killed one's
     * @param sessionTimeout the consumers' session.timeout.ms, or null for Kafka's default
     * @param speculative    whether the worker reads tasks before they are committed
     * @param commitInterval the orchestrator's commit interval
     * @param maxCommitDelay the longest a waited-for step stays uncommitted while there is input
     * @param streamsProperties Kafka Streams properties overriding Gregor's
     */
    record Settings(String bootstrap, String registry, String prefix, int partitions, int taskPartitions, Path stateDir,
                    Duration sessionTimeout, boolean speculative, Duration commitInterval,
                    Duration maxCommitDelay, Map<String, String> streamsProperties) {
        private static final Set<String> REQUIRED = Set.of("--bootstrap", "--registry", "--prefix", "--partitions", "--task-partitions", "--state-dir",
                "--speculative", "--commit-interval-ms", "--max-commit-delay-ms", "--streams-properties");
        private static final String SESSION_TIMEOUT = "--session-timeout-ms";
        /** Kafka's default heartbeat; a shorter session needs a shorter one, a third of it as Kafka advises. */
        private static final long MAX_HEARTBEAT_MS = 3_000;

        /**
         * @param args flag-value pairs, see {@link OrchestratorProcess}
         * @return the settings
         * @throws IllegalArgumentException naming the flag that is wrong or missing
         */
        static Settings parse(String... args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                boolean known = REQUIRED.contains(args[i]) || args[i].equals(SESSION_TIMEOUT);
                if (!known || i + 1 >= args.length) {
                    throw new IllegalArgumentException("Expected one of " + REQUIRED + " or " + SESSION_TIMEOUT
                            + " with a value, but found '" + args[i] + "'");
                }
                given.put(args[i], args[i + 1]);
            }
            for (String flag : REQUIRED) {
                if (!given.containsKey(flag)) {
                    throw new IllegalArgumentException("Expected " + flag + ", but found none");
                }
            }
            String session = given.get(SESSION_TIMEOUT);
            return new Settings(given.get("--bootstrap"), given.get("--registry"), given.get("--prefix"),
                    Integer.parseInt(given.get("--partitions")), Integer.parseInt(given.get("--task-partitions")),
                    Path.of(given.get("--state-dir")),
                    session == null ? null : Duration.ofMillis(Long.parseLong(session)),
                    Boolean.parseBoolean(given.get("--speculative")), Duration.ofMillis(Long.parseLong(given.get("--commit-interval-ms"))),
                    Duration.ofMillis(Long.parseLong(given.get("--max-commit-delay-ms"))),
                    DriverOptions.properties(given.get("--streams-properties")));
        }

        /** @return the arguments that {@link #parse} turns back into these settings */
        List<String> toArgs() {
            List<String> args = new ArrayList<>(List.of("--bootstrap", bootstrap, "--registry", registry, "--prefix", prefix,
                    "--partitions", String.valueOf(partitions), "--task-partitions", String.valueOf(taskPartitions),
                    "--state-dir", stateDir.toString(),
                    "--speculative", String.valueOf(speculative), "--commit-interval-ms", String.valueOf(commitInterval.toMillis()),
                    "--max-commit-delay-ms", String.valueOf(maxCommitDelay.toMillis()),
                    "--streams-properties", streamsProperties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(","))));
            if (sessionTimeout != null) {
                args.addAll(List.of(SESSION_TIMEOUT, String.valueOf(sessionTimeout.toMillis())));
            }
            return args;
        }

        /** @return the orchestrator of these settings, not built */
        GregorOrchestrator.Builder builder() {
            GregorOrchestrator.Builder builder = EngineSetup.orchestrator(bootstrap, registry, prefix, partitions, taskPartitions, stateDir, speculative,
                    commitInterval, maxCommitDelay, streamsProperties);
            if (sessionTimeout != null) {
                long sessionMs = sessionTimeout.toMillis();
                builder.streamsProperty("session.timeout.ms", (int) sessionMs)
                        .streamsProperty("heartbeat.interval.ms", (int) Math.max(1, Math.min(MAX_HEARTBEAT_MS, sessionMs / 3)));
            }
            return builder;
        }
    }
}

package io.gregor.orchestrator.it.support;

import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityContext;
import io.gregor.worker.ActivityWorker;
import io.gregor.worker.ConsumptionMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Main classes for the child JVMs of the crash tests ({@code io.gregor.testkit.ChildJvm}), and the
 * workflows and activities they run.
 *
 * <p>Both apps take {@code key=value} program arguments (falling back to system properties
 * {@code gregor.child.<key>}): {@code bootstrap}, {@code registry}, {@code prefix}, and for the
 * orchestrator {@code applicationId}, {@code stateDir}, {@code speculativeDispatch},
 * {@code commitIntervalMs} and {@code clientId} (Kafka Streams' {@code client.id}, so a test can tell
 * from the group's members which JVM owns which partition), for the worker {@code maxConcurrency}, {@code activityDelayMs},
 * {@code workerMode} ({@code share} or {@code group}) and {@code sessionTimeoutMs} (consumer-group
 * mode). Settings left out take the builders' defaults. Each prints a line containing {@link #READY} once it is up and then
 * blocks until it is killed: the tests end them with SIGKILL, which is the point.
 *
 * <p>The child's logging comes from {@code log4j2-test.xml} on the test class path, which keeps
 * Kafka at WARN, so the child's log file holds Gregor's lines and real problems only.
 */
public final class ChildApps {

    /** Printed once the app runs (the orchestrator: after {@code awaitRunning}). */
    public static final String READY = "GREGOR-READY";
    /** Prefix of the lines a child worker prints per activity execution. */
    public static final String ACTIVITY_LINE = "GREGOR-ACTIVITY";

    /** A chain: {@code steps} sequential {@link #INCREMENT} activities starting at 0; returns {@code steps}. */
    public static final String COUNT_TO = "CountTo";
    /** A fan-out: {@code n} parallel {@link #SLOW_INCREMENT} activities of 0..n-1; returns the sum of their results. */
    public static final String FAN_OUT = "FanOut";
    /**
     * A race per round: {@code rounds} rounds of {@link #INCREMENT}; in even rounds the activity
     * races the external event {@code nudge-<round>}, and the winner decides which of two
     * {@link #NOTE} activities follows, with the instance's current time in its input. Its
     * decisions depend on the order of results and events and on time, so an orchestrator that
     * reprocessed them differently after an abort would schedule a different task.
     */
    public static final String RACE = "Race";
    /**
     * A parent: {@code n} children {@link #ADD_TWO} of 0..n-1, under derived ids (so they hash to
     * every partition); returns the sum of their outputs, {@code n(n-1)/2 + 2n}.
     */
    public static final String SUM_OF_CHILDREN = "SumOfChildren";
    /** A child: {@link #SLOW_INCREMENT} then {@link #INCREMENT} of its integer input; returns the input plus two. */
    public static final String ADD_TWO = "AddTwo";
    /** Activity: returns its string input. */
    public static final String NOTE = "Note";
    /** Activity: returns its integer input plus one. */
    public static final String INCREMENT = "Increment";
    /** Activity: returns its integer input plus one after {@code activityDelayMs}. */
    public static final String SLOW_INCREMENT = "SlowIncrement";

    /**
     * Kafka Streams' classic protocol only reassigns a killed member's partitions when its session
     * expires, after 45 s by default; a short session keeps each recovery in a test to seconds.
     * Everything that decides correctness (exactly-once, stores, changelogs) keeps Gregor's settings.
     */
    static final int ORCHESTRATOR_SESSION_TIMEOUT_MS = 6_000;
    static final int ORCHESTRATOR_HEARTBEAT_INTERVAL_MS = 1_000;

    private ChildApps() {
    }

    /** The sequential chain; see {@link #COUNT_TO}. */
    public static final class CountToWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            int steps = ctx.getInput(Integer.class);
            int value = 0;
            for (int i = 0; i < steps; i++) {
                value = ctx.callActivity(INCREMENT, value, Integer.class).await();
            }
            return value;
        }
    }

    /** The fan-out; see {@link #FAN_OUT}. */
    public static final class FanOutWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            int n = ctx.getInput(Integer.class);
            List<Task<Integer>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(ctx.callActivity(SLOW_INCREMENT, i, Integer.class));
            }
            return ctx.allOf(tasks).await().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The parent of children; see {@link #SUM_OF_CHILDREN}. */
    public static final class SumOfChildrenWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            int n = ctx.getInput(Integer.class);
            List<Task<Integer>> children = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                children.add(ctx.callChildWorkflow(ADD_TWO, i, Integer.class));
            }
            return ctx.allOf(children).await().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The child; see {@link #ADD_TWO}. */
    public static final class AddTwoWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            int once = ctx.callActivity(SLOW_INCREMENT, ctx.getInput(Integer.class), Integer.class).await();
            return ctx.callActivity(INCREMENT, once, Integer.class).await();
        }
    }

    /** The race; see {@link #RACE}. */
    public static final class RaceWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            int rounds = ctx.getInput(Integer.class);
            int events = 0;
            for (int i = 0; i < rounds; i++) {
                Task<Integer> step = ctx.callActivity(INCREMENT, i, Integer.class);
                if (i % 2 == 1) {
                    step.await();
                    continue;
                }
                Task<?> winner = ctx.anyOf(List.of(step, ctx.waitForExternalEvent("nudge-" + i, String.class))).await();
                String branch = winner == step ? "result" : "event";
                events += winner == step ? 0 : 1;
                ctx.callActivity(NOTE, branch + "-" + i + "@" + ctx.getCurrentInstant().toEpochMilli(), String.class).await();
            }
            return events;
        }
    }

    /**
     * An orchestrator configured like the child's, for tests that run it in-process.
     *
     * @param config where to connect and what to call things
     * @return a builder with every test workflow registered
     */
    public static GregorOrchestrator.Builder orchestrator(Config config) {
        GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                .bootstrapServers(config.bootstrap())
                .schemaRegistryUrl(config.registry())
                .topicPrefix(config.prefix())
                .applicationId(config.require("applicationId"))
                .httpPort(0)
                .registerWorkflow(COUNT_TO, CountToWorkflow::new)
                .registerWorkflow(FAN_OUT, FanOutWorkflow::new)
                .registerWorkflow(RACE, RaceWorkflow::new)
                .registerWorkflow(SUM_OF_CHILDREN, SumOfChildrenWorkflow::new)
                .registerWorkflow(ADD_TWO, AddTwoWorkflow::new)
                .speculativeDispatch(Boolean.parseBoolean(config.getOrDefault("speculativeDispatch", "true")))
                .streamsProperty("session.timeout.ms", ORCHESTRATOR_SESSION_TIMEOUT_MS)
                .streamsProperty("heartbeat.interval.ms", ORCHESTRATOR_HEARTBEAT_INTERVAL_MS);
        String commitInterval = config.get("commitIntervalMs");
        if (commitInterval != null) {
            builder.commitInterval(Duration.ofMillis(Long.parseLong(commitInterval)));
        }
        String clientId = config.get("clientId");
        if (clientId != null) {
            builder.streamsProperty("client.id", clientId);
        }
        String stateDir = config.get("stateDir");
        if (stateDir != null) {
            builder.stateDir(stateDir);
        }
        return builder;
    }

    /** Runs an orchestrator until killed. */
    public static final class OrchestratorApp {
        private OrchestratorApp() {
        }

        /**
         * @param args {@code key=value} settings, see {@link ChildApps}
         * @throws Exception if it cannot start
         */
        public static void main(String[] args) throws Exception {
            Config config = Config.parse(args);
            GregorOrchestrator orchestrator = orchestrator(config).build();
            orchestrator.start();
            orchestrator.awaitRunning(Duration.ofMinutes(3));
            System.out.println(READY + " orchestrator " + config.require("applicationId") + " pid " + ProcessHandle.current().pid());
            blockUntilKilled();
        }
    }

    /** Runs an activity worker until killed; prints one line when an activity starts and one when it ends. */
    public static final class WorkerApp {
        private static final AtomicInteger STARTED = new AtomicInteger();
        private static final AtomicInteger ENDED = new AtomicInteger();

        private WorkerApp() {
        }

        /**
         * @param args {@code key=value} settings, see {@link ChildApps}
         * @throws InterruptedException never in practice: it blocks until killed
         */
        public static void main(String[] args) throws InterruptedException {
            Config config = Config.parse(args);
            long delayMs = Long.parseLong(config.getOrDefault("activityDelayMs", "0"));
            ActivityWorker.Builder builder = ActivityWorker.builder()
                    .bootstrapServers(config.bootstrap())
                    .schemaRegistryUrl(config.registry())
                    .topicPrefix(config.prefix())
                    .workerId("child-worker-" + ProcessHandle.current().pid())
                    .maxConcurrency(Integer.parseInt(config.getOrDefault("maxConcurrency", "4")))
                    .registerActivity(INCREMENT, ctx -> traced(ctx, 0))
                    .registerActivity(SLOW_INCREMENT, ctx -> traced(ctx, delayMs));
            String mode = config.getOrDefault("workerMode", "");
            if (!mode.isEmpty()) {
                builder.mode(mode.equals("share") ? ConsumptionMode.SHARE_GROUP : ConsumptionMode.CONSUMER_GROUP);
            }
            String sessionTimeout = config.getOrDefault("sessionTimeoutMs", "");
            if (!sessionTimeout.isEmpty()) {
                builder.kafkaProperty("session.timeout.ms", Integer.parseInt(sessionTimeout));
            }
            ActivityWorker worker = builder.build();
            worker.start();
            System.out.println(READY + " worker pid " + ProcessHandle.current().pid());
            blockUntilKilled();
        }

        /**
         * The lines are the parent's only view into this JVM: "start #k" before and "end #k" after
         * the work, where k counts executions in this JVM (so "end #40 " means 40 finished here).
         */
        private static int traced(ActivityContext ctx, long delayMs) throws InterruptedException {
            int input = ctx.getInput(Integer.class);
            System.out.println(ACTIVITY_LINE + " start #" + STARTED.incrementAndGet() + " " + describe(ctx));
            if (delayMs > 0) {
                Thread.sleep(delayMs); // the activity's own work, so a kill lands while some are running
            }
            System.out.println(ACTIVITY_LINE + " end #" + ENDED.incrementAndGet() + " " + describe(ctx));
            return input + 1;
        }

        private static String describe(ActivityContext ctx) {
            return "instance=" + ctx.getInstanceId() + " task=" + ctx.getTaskId() + " attempt=" + ctx.getAttempt();
        }
    }

    private static void blockUntilKilled() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    /**
     * Settings of a child app.
     *
     * @param values the settings by key
     */
    public record Config(Map<String, String> values) {

        /**
         * @param args {@code key=value} arguments; system properties {@code gregor.child.<key>} fill gaps
         * @return the settings
         */
        public static Config parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("gregor.child.") && !name.equals("gregor.child.directory"))
                    .forEach(name -> values.put(name.substring("gregor.child.".length()), System.getProperty(name)));
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Expected arguments of the form key=value, but found '" + arg + "'");
                }
                values.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
            return new Config(Map.copyOf(values));
        }

        /** @return the settings as program arguments for {@code ChildJvm.start} */
        public List<String> toArgs() {
            return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        }

        /** @param key a setting @param value its value @return a copy with it set */
        public Config with(String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(values);
            copy.put(key, value);
            return new Config(Map.copyOf(copy));
        }

        String get(String key) {
            return values.get(key);
        }

        String getOrDefault(String key, String fallback) {
            return values.getOrDefault(key, fallback);
        }

        String require(String key) {
            String value = values.get(key);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("Expected setting '" + key + "' (argument " + key
                        + "=... or -Dgregor.child." + key + "), but found none in " + values);
            }
            return value;
        }

        String bootstrap() {
            return require("bootstrap");
        }

        String registry() {
            return require("registry");
        }

        String prefix() {
            return require("prefix");
        }
    }
}

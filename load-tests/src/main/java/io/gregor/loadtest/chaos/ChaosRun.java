package io.gregor.loadtest.chaos;

import io.gregor.client.WorkflowClient;
import io.gregor.loadtest.chaos.InvariantChecker.Completion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario: starts a fresh {@link ChaosSystem}, starts the instances at a steady pace while
 * the scenario's faults are injected, waits for every instance to end, then checks the
 * invariants on the topics and measures what each fault cost from the progress the
 * {@link ProgressMonitor} saw.
 */
public final class ChaosRun {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** Before its first fault, a scenario lets the load ramp up: this many steps committed, or the time below passed. */
    private static final long WARM_STEPS = 150;
    private static final Duration WARM_AT_MOST = Duration.ofSeconds(30);
    /** How long a broker stays down. */
    private static final Duration BROKER_DOWN = Duration.ofSeconds(5);
    /** How long a paused worker stays stopped: well past its activities' heartbeat timeout. */
    private static final Duration PAUSE = ChaosWorkload.HEARTBEAT_TIMEOUT.multipliedBy(3);
    /** A partition with no arrival for longer than this after a fault counts as stalled by it. */
    private static final Duration STALL_THRESHOLD = Duration.ofMillis(1000);
    private static final Duration STALL_WINDOW = Duration.ofSeconds(3);
    /** Lets a duplicate written just after the last first completion reach the topic before the audit. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** A start written again every 0.5 s for a minute at most. */
    private static final int WRITE_ATTEMPTS = 120;

    private final ChaosOptions options;
    private final ChaosScenario scenario;
    private final ChaosSystem system;
    private final ProgressMonitor monitor;
    private final Map<String, Long> expected = new ConcurrentHashMap<>();
    /** The probes whose start was written: they must end too, before the topics are audited. */
    private final Set<String> probes = ConcurrentHashMap.newKeySet();
    private final List<FaultAt> faults = new ArrayList<>();
    private final AtomicReference<Throwable> starterFailure = new AtomicReference<>();
    private long t0;
    private volatile boolean probing = true;
    private long failedAttempts;

    /** A fault as injected: what, when ({@link System#nanoTime()}), and how long its replacement took to start. */
    private record FaultAt(String what, long atNanos, long restartMillis) {
    }

    /**
     * What one fault cost.
     *
     * @param what              the fault, e.g. {@code SIGKILL orchestrator-2}
     * @param atSeconds         when, from the first start
     * @param restartMillis     how long the replacement took to be ready (0 when nothing was restarted)
     * @param stallMillis       the longest time a busy partition made no committed progress after it
     * @param partitionsStalled busy partitions without progress for over 1 s
     * @param perPartitionMillis the stall of each partition (0 for an idle one)
     */
    public record Fault(String what, double atSeconds, long restartMillis, long stallMillis, int partitionsStalled,
                        List<Long> perPartitionMillis) {
    }

    /**
     * The outcome of a scenario.
     *
     * @param scenario          its name
     * @param workflows         instances started (each with one child)
     * @param completed         completion records of started instances
     * @param historyRecords    committed history records, one per step
     * @param historyEvents     committed history events
     * @param attemptsFailed    activity attempts that failed (TaskFailed events): timeouts, as the workload never throws
     * @param seconds           from the first start to the last completion
     * @param faults            what was injected and what each cost
     * @param stallMedianMillis median of the faults' stalls
     * @param stallMaxMillis    maximum of the faults' stalls
     * @param violationCounts   broken invariants per kind (empty when all held)
     * @param violations        the first broken invariants, for a post-mortem
     * @param settings          the orchestrators' Kafka Streams settings and the rest of the run's options
     */
    public record Result(String scenario, int workflows, int completed, long historyRecords, long historyEvents,
                         long attemptsFailed, double seconds, List<Fault> faults, long stallMedianMillis, long stallMaxMillis,
                         Map<String, Integer> violationCounts, List<InvariantChecker.Violation> violations,
                         Map<String, Object> settings) {
        /** @return the number of broken invariants */
        public int violationTotal() {
            return violationCounts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private ChaosRun(ChaosOptions options, ChaosScenario scenario, ChaosSystem system, ProgressMonitor monitor) {
        this.options = options;
        this.scenario = scenario;
        this.system = system;
        this.monitor = monitor;
    }

    /**
     * @param options   the run's settings
     * @param scenario  the scenario
     * @param directory where its brokers and orchestrators keep their data
     * @return the outcome
     * @throws Exception if the system cannot start or the run cannot be audited
     */
    public static Result run(ChaosOptions options, ChaosScenario scenario, Path directory) throws Exception {
        String runId = scenario.label() + "-" + Long.toString(System.currentTimeMillis(), 36);
        LOG.info("chaos {}: starting 3 brokers, the registry, 2 orchestrators and 2 workers", scenario.label());
        try (ChaosSystem system = ChaosSystem.start(options, directory, runId);
             ProgressMonitor monitor = ProgressMonitor.start(system.bootstrapServers(), system.historyChangelog());
             WorkflowClient client = WorkflowClient.builder().bootstrapServers(system.bootstrapServers())
                     .schemaRegistryUrl(system.registryUrl()).topicPrefix(system.topics().prefix()).build()) {
            return new ChaosRun(options, scenario, system, monitor).execute(client, runId);
        }
    }

    private Result execute(WorkflowClient client, String runId) throws Exception {
        t0 = System.nanoTime();
        Thread starter = new Thread(() -> startAll(client, runId), "chaos-starter");
        starter.start();
        Thread prober = new Thread(() -> probe(client, runId), "chaos-prober");
        prober.setDaemon(true);
        prober.start();
        injectFaults();
        starter.join();
        probing = false;
        prober.join();
        if (starterFailure.get() != null) {
            throw new IllegalStateException("Expected every instance to start, but starting failed", starterFailure.get());
        }
        long lastCompletion = awaitCompletions();
        LockSupport.parkNanos(SETTLE.toNanos());
        List<InvariantChecker.HistoryWrite> history = TopicAudit.history(system.bootstrapServers(), system.registryUrl(),
                system.historyChangelog());
        InvariantChecker.Result audit = InvariantChecker.check(expected, history,
                TopicAudit.completions(system.bootstrapServers(), system.registryUrl(), system.topics().completions()));
        failedAttempts = history.stream().filter(w -> w.events() != null).flatMap(w -> w.events().stream())
                .filter(e -> e.kind().equals("TaskFailed")).count();
        return result(audit, activityRoundTrips(history), lastCompletion);
    }

    /**
     * Starts {@link ChaosWorkload#PROBE} instances at the probe rate, each on the next partition in
     * turn, until the faults are over; a start that fails (a broker just died) is not retried.
     */
    private void probe(WorkflowClient client, String runId) {
        if (options.probesPerSecond() <= 0) {
            return;
        }
        long spacing = (long) (1e9 / options.probesPerSecond());
        long begin = System.nanoTime();
        int n = 0;
        for (long k = 0; probing; k++) {
            LockSupport.parkNanos(begin + k * spacing - System.nanoTime());
            String id;
            do {
                id = runId + "-probe-" + n++;
            } while (partitionOf(id) != k % ChaosSystem.PARTITIONS);
            String probe = id;
            client.scheduleNewWorkflowAsync(ChaosWorkload.PROBE, null, id).thenRun(() -> probes.add(probe));
        }
    }

    /** The partition Kafka's default partitioner gives an instance id: the orchestrator partition that runs it. */
    static int partitionOf(String instanceId) {
        return Utils.toPositive(Utils.murmur2(instanceId.getBytes(StandardCharsets.UTF_8))) % ChaosSystem.PARTITIONS;
    }

    private void startAll(WorkflowClient client, String runId) {
        boolean heartbeat = scenario == ChaosScenario.WORKER_PAUSE;
        long spacing = (long) (1e9 / options.startsPerSecond());
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        try {
            for (int i = 0; i < options.workflows(); i++) {
                LockSupport.parkNanos(t0 + i * spacing - System.nanoTime());
                long seed = 7_919L * i + runId.hashCode();
                String id = runId + "-" + i;
                expected.put(id, ChaosWorkload.expectedOutput(seed));
                writes.add(startWithEvent(client, id, seed, heartbeat, 1));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            LOG.info("chaos {}: {} instances started and their events raised {} s after the first start", scenario.label(),
                    writes.size(), seconds(System.nanoTime() - t0));
        } catch (Throwable e) {
            starterFailure.set(e);
        }
    }

    /**
     * Starts an instance, then raises its event; writes again after a failure (a broker just died):
     * a start of a running id has no effect, and a second event is never awaited.
     */
    private static CompletableFuture<Void> startWithEvent(WorkflowClient client, String id, long seed, boolean heartbeat,
                                                          int attempt) {
        return client.scheduleNewWorkflowAsync(ChaosWorkload.WORKFLOW, new ChaosWorkload.Input(seed, heartbeat), id)
                .thenCompose(started -> client.raiseEventAsync(id, ChaosWorkload.EVENT, ChaosWorkload.eventPayload(seed)))
                .exceptionallyCompose(e -> {
                    if (attempt >= WRITE_ATTEMPTS) {
                        return CompletableFuture.failedFuture(e);
                    }
                    LOG.warn("chaos: writing the start or event of {} failed (attempt {}), retrying: {}", id, attempt, e.toString());
                    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                            .thenCompose(x -> startWithEvent(client, id, seed, heartbeat, attempt + 1));
                });
    }

    private void injectFaults() throws InterruptedException {
        if (scenario == ChaosScenario.BASELINE) {
            return;
        }
        if (scenario == ChaosScenario.RESTART_ALL) {
            awaitWarm();
            long at = System.nanoTime();
            Duration restart = system.killAndRestartEverything();
            record("SIGKILL all 3 brokers, 2 orchestrators, 2 workers", at, restart);
            return;
        }
        awaitWarm();
        long next = System.nanoTime();
        for (int k = 0; k < options.faults(); k++) {
            sleepUntil(next);
            inject(k);
            next = Math.max(System.nanoTime(), next + options.faultInterval().toNanos());
        }
    }

    private void awaitWarm() {
        long deadline = System.nanoTime() + WARM_AT_MOST.toNanos();
        while (monitor.records() < WARM_STEPS && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        LOG.info("chaos {}: {} steps committed {} s after the first start; faults begin", scenario.label(), monitor.records(),
                seconds(System.nanoTime() - t0));
    }

    private void inject(int k) throws InterruptedException {
        long at = System.nanoTime();
        switch (scenario) {
            case ORCHESTRATOR_KILL -> record("SIGKILL orchestrator-" + (k % 2 + 1), at,
                    system.killAndRestartOrchestrator(k % 2));
            case WORKER_KILL -> record("SIGKILL worker-" + (k % 2 + 1), at, system.killAndRestartWorker(k % 2));
            case BROKER_KILL -> {
                int node = k % 3 + 1;
                system.killBroker(node);
                Thread.sleep(BROKER_DOWN);
                Duration restart = system.restartBroker(node);
                record("SIGKILL broker-" + node + " (down " + BROKER_DOWN.toSeconds() + " s)", at, restart);
                system.awaitFullIsr();
            }
            case WORKER_PAUSE -> {
                system.signalWorker(k % 2, true);
                Thread.sleep(PAUSE);
                system.signalWorker(k % 2, false);
                record("SIGSTOP worker-" + (k % 2 + 1) + " for " + PAUSE.toMillis() + " ms, then SIGCONT", at, Duration.ZERO);
            }
            default -> throw new IllegalStateException("Expected a scenario with periodic faults, but found " + scenario);
        }
    }

    private void record(String what, long at, Duration restart) {
        LOG.info("chaos {}: {} at {} s; ready again after {} ms", scenario.label(), what, seconds(at - t0), restart.toMillis());
        faults.add(new FaultAt(what, at, restart.toMillis()));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** @return {@link System#nanoTime()} when the last started instance's completion was seen */
    private long awaitCompletions() {
        long deadline = System.nanoTime() + options.completionTimeout().toNanos();
        Set<String> done = new HashSet<>();
        while (true) {
            for (Completion c : TopicAudit.completions(system.bootstrapServers(), system.registryUrl(),
                    system.topics().completions())) {
                if (expected.containsKey(c.instanceId()) || probes.contains(c.instanceId())) {
                    done.add(c.instanceId());
                }
            }
            if (done.size() == expected.size() + probes.size()) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                LOG.error("chaos {}: only {} of {} instances (probes included) ended within {}; auditing what there is; logs: {}",
                        scenario.label(), done.size(), expected.size() + probes.size(), options.completionTimeout(), system.logFiles());
                return System.nanoTime();
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }

    /**
     * @param history every committed history record
     * @return per activity call, milliseconds from its (last) TaskScheduled to its TaskCompleted in the
     *         orchestrator's clock, sorted: dispatch, the worker, and the result's way back
     */
    static List<Long> activityRoundTrips(List<InvariantChecker.HistoryWrite> history) {
        Map<String, Long> scheduled = new HashMap<>();
        List<Long> trips = new ArrayList<>();
        for (InvariantChecker.HistoryWrite write : history) {
            if (write.events() == null) {
                continue;
            }
            for (InvariantChecker.Event e : write.events()) {
                String key = write.instanceId() + "#" + e.taskId();
                if (e.kind().equals("TaskScheduled")) {
                    scheduled.put(key, e.timestamp());
                } else if (e.kind().equals("TaskCompleted") && scheduled.containsKey(key)) {
                    trips.add(e.timestamp() - scheduled.get(key));
                }
            }
        }
        trips.sort(null);
        return trips;
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private Result result(InvariantChecker.Result audit, List<Long> trips, long lastCompletion) {
        long end = Math.max(monitor.lastArrival(), t0);
        List<Fault> costs = new ArrayList<>();
        for (FaultAt f : faults) {
            ProgressMonitor.Stall stall = monitor.stallAfter(f.atNanos(), STALL_WINDOW, STALL_THRESHOLD, end);
            costs.add(new Fault(f.what(), seconds(f.atNanos() - t0), f.restartMillis(), stall.maxMillis(),
                    stall.partitionsStalled(), stall.perPartitionMillis()));
        }
        List<Long> stalls = costs.stream().map(Fault::stallMillis).sorted().toList();
        long median = stalls.isEmpty() ? 0 : stalls.get(stalls.size() / 2);
        long max = stalls.isEmpty() ? 0 : stalls.get(stalls.size() - 1);
        int completed = (int) expected.keySet().stream().filter(id -> audit.violations().stream()
                .noneMatch(v -> v.instanceId().equals(id) && v.kind().equals(InvariantChecker.NOT_TERMINAL))).count();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("orchestratorStreams", options.orchestratorStreams());
        settings.put("brokerSettings", options.brokerSettings());
        settings.put("staticMembership", options.staticMembership());
        settings.put("fencing", options.fencing());
        settings.put("restartDelaySeconds", options.restartDelay().toSeconds());
        settings.put("probesPerSecond", options.probesPerSecond());
        settings.put("startsPerSecond", options.startsPerSecond());
        settings.put("faultIntervalSeconds", options.faultInterval().toSeconds());
        settings.put("activityDelayMillis", options.activityDelay().toMillis());
        settings.put("workerSessionTimeoutMillis", options.workerSessionTimeout().toMillis());
        settings.put("at", Instant.now().toString());
        settings.put("activityRoundTripMillis", Map.of("p50", percentile(trips, 0.5), "p99", percentile(trips, 0.99),
                "max", percentile(trips, 1)));
        Result result = new Result(scenario.label(), expected.size(), completed, audit.historyRecords(), audit.events(),
                failedAttempts, seconds(lastCompletion - t0), costs, median, max, audit.countsByKind(),
                audit.violations().stream().limit(20).toList(), settings);
        LOG.info("chaos {}: {} workflows, {} completed, {} history records ({} seen by the monitor) in {} s; {} faults, "
                        + "stall median {} ms, max {} ms; violations {}; activity round trip p50 {} ms, p99 {} ms; "
                        + "{} attempts failed",
                scenario.label(), result.workflows(), result.completed(), result.historyRecords(), monitor.records(),
                result.seconds(), costs.size(), median, max, result.violationCounts(), percentile(trips, 0.5),
                percentile(trips, 0.99), failedAttempts);
        return result;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }
}

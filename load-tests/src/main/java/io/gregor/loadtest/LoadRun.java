package io.gregor.loadtest;

import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.engine.EngineContext;
import io.gregor.loadtest.engine.Engines;
import io.gregor.loadtest.report.RunResult;
import io.gregor.loadtest.report.RunResult.Counts;
import io.gregor.loadtest.report.RunResult.Recovery;
import io.gregor.loadtest.scenario.StepClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a scenario against given infrastructure: starts the engine chosen with
 * {@code --engine} (which also observes completions for the tracker), drives the load, waits for
 * the instances in flight, and collects a {@link RunResult}.
 */
public final class LoadRun {
    /** How latency is measured, written into every result; the engine says how it observes the ending. */
    static final String LATENCY_METHOD = "Start-to-completion, client-observed: from just before the start is "
            + "submitted (closed loop; open loop: the intended start time, so queueing behind a slow engine counts) to ";

    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** Steps of each warm-up instance of longhist: enough to run the whole step path many times, short enough to drain fast. */
    static final int WARMUP_STEPS = 100;

    private LoadRun() {
    }

    /**
     * Runs the scenario.
     *
     * @param options        what to run
     * @param bootstrap      Kafka
     * @param registry       schema registry
     * @param infrastructure how the broker and registry were obtained, for the result
     * @return what was measured
     * @throws Exception if the engine cannot start, or a caller failed
     */
    public static RunResult execute(DriverOptions options, String bootstrap, String registry,
                                    Map<String, Object> infrastructure) throws Exception {
        Scenario scenario = options.scenario();
        StepClock clock = scenario.timesSteps() ? new StepClock(options.steps()) : StepClock.NONE;
        LatencyRecorder recorder = new LatencyRecorder();
        CompletionTracker tracker = new CompletionTracker(recorder);
        LatencyRecorder warmupRecorder = new LatencyRecorder();
        CompletionTracker warmupTracker = new CompletionTracker(warmupRecorder);
        String startedAt = Instant.now().toString();
        try (Engine engine = Engines.create(options.engine())) {
            engine.start(new EngineContext(options, bootstrap, registry, clock, CompletionTracker.either(tracker, warmupTracker)));
            infrastructure.put("engine", engine.description());
            Map<String, Object> parameters = options.describe();
            if (scenario.warmsUpFirst() && !options.warmup().isZero()) {
                parameters.put("warmupInstancesCompleted", warmUp(engine, options, warmupTracker, warmupRecorder));
            }
            InstanceStarter starter = new InstanceStarter(engine, options.runId(), scenario.input(options), tracker, clock, recorder);
            LOG.info("Running {} on {} with {}", scenario.id(), engine.name(), options.describe());
            long t0 = System.nanoTime();
            long end;
            boolean drained;
            CrashDrill drill = null;
            try (Sampler sampler = new Sampler(options, recorder, tracker::inFlight, t0)) {
                drive(options, starter, recorder, t0);
                sampler.awaitMeasureClosed();
                if (scenario == Scenario.RECOVER) {
                    drill = CrashDrill.crash(engine, tracker); // with every start acknowledged and none awaited
                }
                LOG.info("Started {} instances; waiting up to {} for {} in flight", recorder.startedCount(),
                        options.drainTimeout(), tracker.inFlight());
                drained = tracker.awaitDrained(options.drainTimeout());
                end = System.nanoTime();
            }
            if (!drained) {
                LOG.warn("{} instances did not complete within {}", tracker.inFlight(), options.drainTimeout());
            }
            Recovery recovery = drill == null ? null
                    : drill.audit(options.runId() + "-", recorder, tracker.lastCompletionNanos(), t0, end, drained);
            RunResult result = result(options, parameters, startedAt, infrastructure,
                    LATENCY_METHOD + engine.completionSignal() + ".", recorder, tracker.lastCompletionNanos(),
                    tracker.inFlight(), clock, t0, end, recovery);
            // The instances to query are the ones just measured; the warm-up's tracker, unused here, follows the long one.
            return scenario == Scenario.QUERIES && drained
                    ? result.withQueries(QueryTimings.run(engine, options, warmupTracker, warmupRecorder)) : result;
        }
    }

    /**
     * longhist compares early steps with late ones, so the JIT must have compiled the step's path before the measured
     * instance's first step, not during its first thousand; its warm-up instances are short, untimed and unreported.
     */
    private static long warmUp(Engine engine, DriverOptions options, CompletionTracker tracker, LatencyRecorder recorder)
            throws Exception {
        InstanceStarter starter = new InstanceStarter(engine, options.runId() + "-warmup", WARMUP_STEPS, tracker,
                StepClock.NONE, recorder);
        LOG.info("Warming up for {}: instances of {} steps, {} in flight", options.warmup(), WARMUP_STEPS,
                options.warmupConcurrency());
        long end = System.nanoTime() + options.warmup().toNanos();
        LoadShapes.closed(options.warmupConcurrency(), options.warmupConcurrency(), end, options.instanceTimeout(), end,
                starter, recorder);
        if (!tracker.awaitDrained(options.drainTimeout())) {
            throw new IllegalStateException("Expected the warm-up's instances to complete within " + options.drainTimeout()
                    + ", but " + tracker.inFlight() + " did not");
        }
        LOG.info("Warm-up done: {} instances completed, {} failed", recorder.completedCount(), recorder.failedCount());
        return recorder.completedCount();
    }

    private static void drive(DriverOptions options, InstanceStarter starter, LatencyRecorder recorder, long t0)
            throws Exception {
        if (options.scenario().fixedCount()) {
            double rate = options.mode() == DriverOptions.Mode.OPEN ? options.rate() : 0;
            LoadShapes.fixed(options.instances(), options.concurrency(), rate, t0, starter);
            return;
        }
        long end = t0 + options.warmup().plus(options.duration()).toNanos();
        switch (options.mode()) {
            case CLOSED -> {
                // Extra warm-up callers stop early enough for their last instances to end before the measurement starts.
                long warmupNanos = options.warmup().toNanos();
                long extraEnd = t0 + warmupNanos - Math.min(Duration.ofSeconds(2).toNanos(), warmupNanos / 4);
                LoadShapes.closed(options.concurrency(), options.warmupConcurrency(), extraEnd, options.instanceTimeout(), end,
                        starter, recorder);
            }
            case OPEN -> LoadShapes.open(options.rate(), t0, end, starter);
        }
    }

    /**
     * Collects a run's result; {@link RawTwoHopProbe} uses it too, so that its result.json reads like any run's.
     *
     * @param lastCompletion {@link System#nanoTime()} of the last completion, or 0 if none
     * @param unfinished     instances started and not ended when the driver stopped waiting
     * @param t0             {@link System#nanoTime()} at the first measured start
     * @param end            {@link System#nanoTime()} when the driver stopped waiting
     * @return the run's result, also logged
     */
    static RunResult result(DriverOptions options, Map<String, Object> parameters, String startedAt,
                            Map<String, Object> infrastructure, String latencyMethod, LatencyRecorder recorder,
                            long lastCompletion, long unfinished, StepClock clock, long t0, long end, Recovery recovery) {
        double elapsed = ((lastCompletion != 0 ? lastCompletion : end) - t0) / 1e9;
        double measuredSeconds;
        double throughput;
        if (options.scenario().fixedCount()) {
            measuredSeconds = elapsed;
            throughput = elapsed > 0 ? recorder.completedCount() / elapsed : 0;
        } else {
            measuredSeconds = recorder.series().stream().filter(s -> s.phase().equals("measure")).count();
            throughput = measuredSeconds > 0 ? recorder.measuredCompletedCount() / measuredSeconds : 0;
        }
        Counts counts = new Counts(recorder.startedCount(), recorder.completedCount(), recorder.failedCount(),
                unfinished, recorder.waitTimeoutCount(), recorder.measuredCompletedCount());
        RunResult result = new RunResult(options.scenario().id(), parameters, Environment.gitCommit(), startedAt,
                Environment.hardware(), infrastructure, latencyMethod, counts, round(throughput), round(measuredSeconds),
                round(elapsed), recorder.summary(), Environment.peakMemory(), recorder.series(), StepStats.of(clock), recovery, null, null);
        LOG.info("{}: {} started, {} completed, {} failed, {} unfinished; {} /s; latency ms p50 {} p90 {} p99 {} p99.9 {} max {}",
                result.scenario(), counts.started(), counts.completed(), counts.failed(), counts.unfinished(),
                result.throughputPerSecond(), result.latencyMs().p50(), result.latencyMs().p90(), result.latencyMs().p99(),
                result.latencyMs().p999(), result.latencyMs().max());
        return result;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

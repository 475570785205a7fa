package io.gregor.loadtest;

import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.scenario.StepClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one instance of the scenario's workflow, with one input: registers it with the tracker (and the step
 * clock) first, so its completion cannot arrive unnoticed, then has the engine start it.
 * Thread-safe.
 */
final class InstanceStarter {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStarter.class);

    private final Engine engine;
    private final String runId;
    private final CompletionTracker tracker;
    private final StepClock clock;
    private final LatencyRecorder recorder;
    private final Object input;
    private final AtomicLong sequence = new AtomicLong();

    InstanceStarter(Engine engine, String runId, Object input, CompletionTracker tracker, StepClock clock,
                    LatencyRecorder recorder) {
        this.engine = engine;
        this.runId = runId;
        this.input = input;
        this.tracker = tracker;
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Starts an instance and returns once the engine accepted the start.
     *
     * @param startNanos {@link System#nanoTime()} its latency counts from
     * @param notify     true to get a future of its ending
     * @return completed with true when it ends COMPLETED, false otherwise (or if the start failed);
     *         null when not {@code notify}
     */
    CompletableFuture<Boolean> start(long startNanos, boolean notify) {
        String id = runId + "-" + sequence.incrementAndGet();
        CompletableFuture<Boolean> done = tracker.expect(id, startNanos, notify);
        clock.begin(id, startNanos);
        try {
            engine.startInstance(id, input);
            recorder.started();
            return done;
        } catch (Exception e) {
            tracker.forget(id);
            recorder.failed();
            LOG.warn("Could not start instance {}: {}", id, e.toString());
            return notify ? CompletableFuture.completedFuture(false) : null;
        }
    }
}

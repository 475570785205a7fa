package io.gregor.loadtest;

import io.gregor.loadtest.engine.CompletionObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instances a run waits for, and their latencies: the driver registers each instance (with
 * the time its latency counts from) before starting it, and the engine reports its ending
 * through {@link CompletionObserver}. Engine-agnostic: how an ending is observed is the
 * engine's business (Gregor reads its completions topic, a peer may await an event over RPC).
 *
 * <p>The latency is start-to-completion as a client sees it: from just before the start is
 * submitted (closed loop) or the intended start time (open loop, so a stalled engine cannot hide
 * queueing: no coordinated omission) to the moment the engine's observer learns of the ending.
 */
public final class CompletionTracker implements CompletionObserver {
    private record Pending(long startNanos, CompletableFuture<Boolean> done) {
    }

    private final LatencyRecorder recorder;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Object drained = new Object();
    private volatile Throwable failure;
    private volatile long lastCompletionNanos;

    /**
     * @param first  one tracker
     * @param second another, awaiting other ids
     * @return an observer passing each ending to the tracker that awaits it (each ignores ids it does not await)
     */
    public static CompletionObserver either(CompletionTracker first, CompletionTracker second) {
        return new CompletionObserver() {
            @Override
            public boolean awaits(String instanceId) {
                return first.awaits(instanceId) || second.awaits(instanceId);
            }

            @Override
            public void completed(String instanceId, boolean succeeded, long completionNanos) {
                first.completed(instanceId, succeeded, completionNanos);
                second.completed(instanceId, succeeded, completionNanos);
            }

            @Override
            public void observationFailed(Throwable cause) {
                first.observationFailed(cause);
                second.observationFailed(cause);
            }
        };
    }

    /** @param recorder receives each latency */
    public CompletionTracker(LatencyRecorder recorder) {
        this.recorder = recorder;
    }

    /**
     * Registers an instance before it is started.
     *
     * @param instanceId the instance
     * @param startNanos {@link System#nanoTime()} its latency counts from
     * @param notify     true to get a future (closed loop); false to save the memory (open loop, fixed counts)
     * @return completed with true (COMPLETED) or false (any other ending), or null if not {@code notify}
     */
    public CompletableFuture<Boolean> expect(String instanceId, long startNanos, boolean notify) {
        CompletableFuture<Boolean> done = notify ? new CompletableFuture<>() : null;
        pending.put(instanceId, new Pending(startNanos, done));
        if (failure != null && done != null) {
            done.completeExceptionally(failure);
        }
        return done;
    }

    /** @param instanceId an instance whose start failed: stop waiting for it */
    public void forget(String instanceId) {
        pending.remove(instanceId);
        signalIfDrained();
    }

    /** @return instances registered and not yet seen ending */
    public int inFlight() {
        return pending.size();
    }

    /** @return {@link System#nanoTime()} of the last ending seen, or 0 if none */
    public long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    @Override
    public boolean awaits(String instanceId) {
        return pending.containsKey(instanceId);
    }

    @Override
    public void completed(String instanceId, boolean succeeded, long completionNanos) {
        Pending started = pending.remove(instanceId);
        if (started == null) {
            return; // not one of this run's instances, or a repeated report
        }
        lastCompletionNanos = completionNanos;
        if (succeeded) {
            recorder.completed(completionNanos - started.startNanos());
        } else {
            recorder.failed();
        }
        if (started.done() != null) {
            started.done().complete(succeeded);
        }
        signalIfDrained();
    }

    @Override
    public void observationFailed(Throwable cause) {
        failure = cause;
        // Closed-loop callers would otherwise sit out their whole timeout for endings that will never be seen.
        pending.values().stream().filter(p -> p.done() != null).forEach(p -> p.done().completeExceptionally(cause));
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /**
     * Waits until every registered instance has ended (woken by each ending).
     *
     * @param timeout how long to wait
     * @return true if none is left in flight
     * @throws InterruptedException if interrupted
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!pending.isEmpty() && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.wait(Math.max(1, left / 1_000_000));
            }
        }
        return pending.isEmpty();
    }

    private void signalIfDrained() {
        if (pending.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }
}

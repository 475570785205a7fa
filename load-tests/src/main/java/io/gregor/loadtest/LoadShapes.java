package io.gregor.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * How instances are started: closed loop, open loop, or a fixed count. Each returns when it
 * started its last instance (closed loop: when its last instance ended); waiting for the rest is
 * the caller's drain. Starting runs on virtual threads because every start blocks until the broker
 * acknowledges it.
 */
final class LoadShapes {
    private LoadShapes() {
    }

    /**
     * N callers, each starting an instance and waiting for its completion before the next, until the deadline;
     * callers beyond N, up to {@code warmupConcurrency}, stop starting at {@code extraEndNanos}.
     *
     * @throws ExecutionException if a caller failed (e.g. completions can no longer be read)
     */
    static void closed(int concurrency, int warmupConcurrency, long extraEndNanos, Duration instanceTimeout, long endNanos,
                       InstanceStarter starter, LatencyRecorder recorder) throws InterruptedException, ExecutionException {
        List<Future<?>> callers = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.max(concurrency, warmupConcurrency); i++) {
                long until = i < concurrency ? endNanos : extraEndNanos;
                callers.add(executor.submit(() -> {
                    while (System.nanoTime() - until < 0) {
                        CompletableFuture<Boolean> done = starter.start(System.nanoTime(), true);
                        try {
                            done.get(instanceTimeout.toNanos(), TimeUnit.NANOSECONDS);
                        } catch (TimeoutException e) {
                            recorder.waitTimedOut(); // still tracked: a late completion is counted, the caller moves on
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> caller : callers) {
            caller.get();
        }
    }

    /**
     * Starts at a fixed rate from {@code t0} until the deadline, whether or not earlier
     * instances finished. Each instance's latency counts from its intended start time, so when
     * starts fall behind the delay shows up as latency instead of vanishing.
     */
    static void open(double rate, long t0, long endNanos, InstanceStarter starter) {
        double interval = 1e9 / rate;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long k = 0; ; k++) {
                long intended = t0 + (long) (k * interval);
                if (intended - endNanos >= 0) {
                    break;
                }
                parkUntil(intended);
                executor.submit(() -> starter.start(intended, false));
            }
        }
    }

    /**
     * Starts {@code count} instances with at most {@code concurrency} starts in flight, paced at
     * {@code rate} per second when positive, as fast as the broker acknowledges them otherwise.
     */
    static void fixed(int count, int concurrency, double rate, long t0, InstanceStarter starter) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        double interval = rate > 0 ? 1e9 / rate : 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                long intended = t0 + (long) (i * interval);
                parkUntil(intended);
                permits.acquire();
                executor.submit(() -> {
                    try {
                        starter.start(rate > 0 ? intended : System.nanoTime(), false);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    /** Pacing, not coordination: waits for a point in time of the schedule. */
    private static void parkUntil(long nanos) {
        for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

package io.gregor.loadtest;

import io.gregor.loadtest.LatencyRecorder.Phase;
import io.gregor.loadtest.report.RunResult.IntervalSample;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the recorder's interval histogram once a second and logs the sample. Sample k covers
 * second k of the run; its phase follows from k alone (warm-up and duration are whole seconds),
 * so every interval belongs to exactly one phase even when the machine delays a tick.
 */
final class Sampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");

    private final LatencyRecorder recorder;
    private final LongSupplier inFlight;
    private final long t0;
    private final long warmupSeconds;
    private final long measureEndSecond;
    private final boolean fixedCount;
    private final CompletableFuture<Void> measureClosed = new CompletableFuture<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "loadtest-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private long tick;

    /**
     * Starts sampling.
     *
     * @param options  the run's options: fixed-count scenarios are measured throughout
     * @param inFlight instances started and not yet ended, for each sample
     * @param t0       {@link System#nanoTime()} at the first start
     */
    Sampler(DriverOptions options, LatencyRecorder recorder, LongSupplier inFlight, long t0) {
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.t0 = t0;
        this.fixedCount = options.scenario().fixedCount();
        this.warmupSeconds = options.warmup().toSeconds();
        this.measureEndSecond = warmupSeconds + options.duration().toSeconds();
        long firstTick = t0 + TimeUnit.SECONDS.toNanos(1) - System.nanoTime();
        executor.scheduleAtFixedRate(this::tick, firstTick, TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        long k = ++tick;
        Phase phase = fixedCount ? Phase.MEASURE : k <= warmupSeconds ? Phase.WARMUP : k <= measureEndSecond ? Phase.MEASURE : Phase.DRAIN;
        log(recorder.sample(k, phase, inFlight.getAsLong()));
        if (k >= measureEndSecond) {
            measureClosed.complete(null);
        }
    }

    /**
     * Waits until the last second of the measured phase has been sampled, so a late tick cannot
     * leave measured completions to the drain. Returns at once for fixed-count scenarios.
     */
    void awaitMeasureClosed() throws InterruptedException, ExecutionException, TimeoutException {
        if (!fixedCount) {
            long left = t0 + TimeUnit.SECONDS.toNanos(measureEndSecond) - System.nanoTime();
            measureClosed.get(Math.max(0, left) + Duration.ofMinutes(1).toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the ticks and samples what is left since the last one. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // still take the last sample: the run's result needs it
        }
        log(recorder.sample((System.nanoTime() - t0) / 1e9, fixedCount ? Phase.MEASURE : Phase.DRAIN, inFlight.getAsLong()));
    }

    private static void log(IntervalSample s) {
        LOG.info("t={}s {}: started {}, completed {}, in flight {}, latency ms p50 {} p99 {} max {}",
                s.t(), s.phase(), s.started(), s.completed(), s.inFlight(), orDash(s.p50()), orDash(s.p99()), orDash(s.max()));
    }

    private static Object orDash(Double millis) {
        return millis == null ? "-" : millis;
    }
}

package io.gregor.loadtest;

import io.gregor.loadtest.report.RunResult.IntervalSample;
import io.gregor.loadtest.report.RunResult.Latency;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Start-to-completion latencies and counts, cut into one interval histogram per sample.
 *
 * <p>Latencies go into an HdrHistogram {@link Recorder} in microseconds (auto-resizing, 3
 * significant digits), so recording is wait-free and never loses values however long a timer
 * scenario runs. {@link #sample} swaps out the interval histogram; only intervals of the measure
 * phase are added to the run's total, which keeps the warm-up and the drain out of the summary.
 */
public final class LatencyRecorder {
    /** Where a sample falls in the run. */
    public enum Phase {
        /** Before measuring: lets the JIT and the broker warm up. */
        WARMUP,
        /** Counted in the summary. */
        MEASURE,
        /** After the last start: waits for instances in flight. */
        DRAIN
    }

    private final Recorder recorder = new Recorder(3);
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder waitTimeouts = new LongAdder();
    private final Histogram measured = new Histogram(3);
    private final List<IntervalSample> series = new ArrayList<>();
    private Histogram interval;
    private long sampledStarted;
    private long sampledCompleted;
    private long measuredCompleted;

    /** Counts an instance whose start the broker acknowledged. */
    public void started() {
        started.increment();
    }

    /** @param latencyNanos start-to-completion time of an instance that ended COMPLETED */
    public void completed(long latencyNanos) {
        recorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
        completed.increment();
    }

    /** Counts an instance that ended other than COMPLETED, or whose start failed. */
    public void failed() {
        failed.increment();
    }

    /** Counts a closed-loop wait that gave up. */
    public void waitTimedOut() {
        waitTimeouts.increment();
    }

    /** @return instances started so far */
    public long startedCount() {
        return started.sum();
    }

    /** @return instances completed so far */
    public long completedCount() {
        return completed.sum();
    }

    /** @return instances failed so far */
    public long failedCount() {
        return failed.sum();
    }

    /** @return closed-loop waits that gave up */
    public long waitTimeoutCount() {
        return waitTimeouts.sum();
    }

    /** @return completions inside measure-phase samples */
    public synchronized long measuredCompletedCount() {
        return measuredCompleted;
    }

    /**
     * Closes the current interval.
     *
     * @param t        seconds since the run started
     * @param phase    the phase the interval belongs to
     * @param inFlight instances started and not yet ended
     * @return the interval's sample, also kept in {@link #series()}
     */
    public synchronized IntervalSample sample(double t, Phase phase, long inFlight) {
        interval = recorder.getIntervalHistogram(interval);
        long startedNow = started.sum();
        long completedNow = completed.sum();
        boolean any = interval.getTotalCount() > 0;
        if (phase == Phase.MEASURE) {
            measured.add(interval);
            measuredCompleted += completedNow - sampledCompleted;
        }
        IntervalSample sample = new IntervalSample(round(t), phase.name().toLowerCase(), startedNow - sampledStarted,
                completedNow - sampledCompleted, inFlight,
                any ? millis(interval.getValueAtPercentile(50)) : null, any ? millis(interval.getValueAtPercentile(90)) : null,
                any ? millis(interval.getValueAtPercentile(99)) : null, any ? millis(interval.getMaxValue()) : null,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        sampledStarted = startedNow;
        sampledCompleted = completedNow;
        series.add(sample);
        return sample;
    }

    /** @return the samples so far, oldest first */
    public synchronized List<IntervalSample> series() {
        return List.copyOf(series);
    }

    /** @return percentiles of the measure phase, in milliseconds */
    public synchronized Latency summary() {
        return summarize(measured);
    }

    /**
     * @param micros a histogram of microseconds
     * @return its percentiles in milliseconds
     */
    static Latency summarize(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(micros.getTotalCount(), round(micros.getMean() / 1000.0),
                millis(micros.getValueAtPercentile(50)), millis(micros.getValueAtPercentile(90)),
                millis(micros.getValueAtPercentile(99)), millis(micros.getValueAtPercentile(99.9)),
                millis(micros.getMaxValue()));
    }

    private static double millis(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

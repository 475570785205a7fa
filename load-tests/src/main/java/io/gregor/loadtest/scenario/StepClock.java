package io.gregor.loadtest.scenario;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each step of a sequential workflow started running on the in-process worker, for the
 * per-step latency of {@code longhist}: step i took {@code start(i) - start(i - 1)} (step 0: from
 * the moment the driver scheduled the instance). That interval is one full turn of the engine:
 * the previous activity's result is produced, the orchestrator records it and schedules the next
 * task, the transaction commits and a worker picks the task up.
 *
 * <p>Only the first run of a step counts: activities are at-least-once, and a redelivered task
 * must not move the step's timestamp. Thread-safe.
 */
public final class StepClock {
    /** Records nothing; for scenarios without per-step latency. */
    public static final StepClock NONE = new StepClock(0);

    private final int steps;
    private final Map<String, AtomicLongArray> timelines = new ConcurrentHashMap<>();

    /** @param steps the number of steps of each tracked instance */
    public StepClock(int steps) {
        this.steps = steps;
    }

    /** @return the number of steps tracked per instance (0 for {@link #NONE}) */
    public int steps() {
        return steps;
    }

    /**
     * Starts tracking an instance; call before scheduling it.
     *
     * @param instanceId the instance
     * @param startNanos {@link System#nanoTime()} when it was scheduled
     */
    public void begin(String instanceId, long startNanos) {
        if (steps == 0) {
            return;
        }
        AtomicLongArray timeline = new AtomicLongArray(steps + 1);
        timeline.set(0, startNanos);
        timelines.put(instanceId, timeline);
    }

    /**
     * Notes that a step started running now; ignored for untracked instances and repeated runs.
     *
     * @param instanceId the instance
     * @param step       the step index, from 0
     */
    public void stepStarted(String instanceId, int step) {
        AtomicLongArray timeline = timelines.get(instanceId);
        if (timeline != null && step >= 0 && step < steps) {
            timeline.compareAndSet(step + 1, 0, System.nanoTime());
        }
    }

    /** @return how many instances are tracked */
    public int instances() {
        return timelines.size();
    }

    /**
     * @return per step index, the mean over tracked instances of that step's latency in
     *         milliseconds; NaN where no instance has both timestamps (the step never ran)
     */
    public double[] perStepMillis() {
        double[] sums = new double[steps];
        int[] counts = new int[steps];
        for (AtomicLongArray timeline : timelines.values()) {
            for (int step = 0; step < steps; step++) {
                long before = timeline.get(step);
                long at = timeline.get(step + 1);
                if (before != 0 && at != 0) {
                    sums[step] += (at - before) / 1e6;
                    counts[step]++;
                }
            }
        }
        double[] means = new double[steps];
        Arrays.setAll(means, step -> counts[step] == 0 ? Double.NaN : sums[step] / counts[step]);
        return means;
    }
}

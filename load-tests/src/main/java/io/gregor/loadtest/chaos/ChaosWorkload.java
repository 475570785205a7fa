package io.gregor.loadtest.chaos;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.worker.ActivityContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault harness's workload: a workflow of 21 steps that uses every kind of durable wait, and
 * whose output is a pure function of its input and the event the harness raises, so a run under
 * faults can be checked against {@link #expectedOutput} without a fault-free run.
 *
 * <p>Steps of {@link #WORKFLOW}: six {@link #MIX} activities in a row, a durable timer, the
 * external event {@link #EVENT}, a fan-out of six {@link #MIX} joined with {@code allOf}, the
 * child workflow {@link #CHILD} (three {@link #MIX} in a row), then three more {@link #MIX}:
 * 15 activities of its own, 3 of its child's, a timer and an event. With heartbeats on (input
 * {@code heartbeat}), the first fan-out activity is {@link #SLOW_MIX} instead: it heartbeats
 * while it works, under a heartbeat timeout and a retry policy of {@link #SLOW_ATTEMPTS} attempts.
 */
public final class ChaosWorkload {
    /** The workflow the harness starts. */
    public static final String WORKFLOW = "ChaosOrder";
    /** Its child workflow. */
    public static final String CHILD = "ChaosChild";
    /** The activity of every step: mixes a value with a salt. */
    public static final String MIX = "Mix";
    /** {@link #MIX} that works for a while and heartbeats meanwhile. */
    public static final String SLOW_MIX = "SlowMix";
    /**
     * A workflow that returns at once: started at a steady pace on every partition (--probe-rate), it
     * gives each orchestrator partition a committed record every few hundred milliseconds, so that a
     * gap in a partition's records measures the orchestrator, not how long the activities took.
     */
    public static final String PROBE = "ChaosProbe";
    /** The event each instance waits for; the harness raises it with {@link #eventPayload}. */
    public static final String EVENT = "go";
    /** The durable timer of each instance. */
    public static final Duration TIMER = Duration.ofMillis(500);
    /** Sequential steps before and after the fan-out, and its width. */
    static final int HEAD = 6;
    static final int FAN = 6;
    static final int CHILD_STEPS = 3;
    static final int TAIL = 3;
    /** Workflow steps per instance, the child's included: activities, the timer, the event and the child itself. */
    public static final int STEPS = HEAD + 2 + FAN + 1 + CHILD_STEPS + TAIL;
    /** Activities per instance, the child's included. */
    public static final int ACTIVITIES = HEAD + FAN + CHILD_STEPS + TAIL;
    /** How long {@link #SLOW_MIX} works, heartbeating every {@link #SLOW_HEARTBEAT_EVERY}. */
    public static final Duration SLOW_WORK = Duration.ofMillis(2000);
    static final Duration SLOW_HEARTBEAT_EVERY = Duration.ofMillis(100);
    /**
     * The heartbeat timeout of {@link #SLOW_MIX}: a worker stopped longer than this loses the
     * attempt. A heartbeat goes out at most every 0.8 of it, and on a machine where nine JVMs
     * share two cores a record takes up to seconds to get through, so 1 s timed out attempts of
     * workers that were never stopped.
     */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);

    /**
     * Attempts of {@link #SLOW_MIX}: a worker paused with attempts in hand makes the others'
     * backlog grow, and an attempt that waits in a worker's queue past the heartbeat timeout
     * (counted from its dispatch) times out too, so a few more than the pauses alone need.
     */
    static final int SLOW_ATTEMPTS = 10;

    private static final long MODULUS = 1_000_000_007L;

    private ChaosWorkload() {
    }

    /**
     * The input of an instance.
     *
     * @param seed      what its output derives from
     * @param heartbeat whether its first fan-out activity is {@link #SLOW_MIX}
     */
    public record Input(long seed, boolean heartbeat) {
    }

    /** @param value a value @param salt a step's salt @return the value of {@link #MIX} */
    public static long mix(long value, long salt) {
        return Math.floorMod(value * 1_000_003L + salt * 7_919L + 13L, MODULUS);
    }

    /** @param seed an instance's seed @return the payload of the event raised for it */
    public static long eventPayload(long seed) {
        return Math.floorMod(seed * 31L + 7L, 1_000L);
    }

    /** @param seed an instance's seed @return its output, computed without the engine */
    public static long expectedOutput(long seed) {
        long v = seed;
        for (int i = 0; i < HEAD; i++) {
            v = mix(v, i);
        }
        v = mix(v, 50 + eventPayload(seed));
        long sum = 0;
        for (int k = 0; k < FAN; k++) {
            sum += mix(v, 100 + k);
        }
        v = childOutput(Math.floorMod(sum, MODULUS));
        for (int i = 0; i < TAIL; i++) {
            v = mix(v, 300 + i);
        }
        return v;
    }

    private static long childOutput(long input) {
        long v = input;
        for (int j = 0; j < CHILD_STEPS; j++) {
            v = mix(v, 200 + j);
        }
        return v;
    }

    private static Task<Long> mixStep(WorkflowContext ctx, long value, long salt) {
        return ctx.callActivity(MIX, new long[] {value, salt}, Long.class);
    }

    /** The parent workflow; see the class comment. */
    public static final class Order implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            Input input = ctx.getInput(Input.class);
            long v = input.seed();
            for (int i = 0; i < HEAD; i++) {
                v = mixStep(ctx, v, i).await();
            }
            ctx.createTimer(TIMER).await();
            long event = ctx.waitForExternalEvent(EVENT, Long.class).await();
            v = mix(v, 50 + event); // in the workflow: a deterministic computation, not a step
            List<Task<Long>> fan = new ArrayList<>(FAN);
            for (int k = 0; k < FAN; k++) {
                fan.add(k == 0 && input.heartbeat()
                        ? ctx.callActivity(SLOW_MIX, new long[] {v, 100 + k}, TaskOptions
                                .withRetryPolicy(RetryPolicy.of(SLOW_ATTEMPTS, Duration.ofMillis(200)))
                                .withHeartbeatTimeout(HEARTBEAT_TIMEOUT), Long.class)
                        : mixStep(ctx, v, 100 + k));
            }
            long sum = 0;
            for (long part : ctx.allOf(fan).await()) {
                sum += part;
            }
            v = ctx.callChildWorkflow(CHILD, Math.floorMod(sum, MODULUS), Long.class).await();
            for (int i = 0; i < TAIL; i++) {
                v = mixStep(ctx, v, 300 + i).await();
            }
            return v;
        }
    }

    /** The child workflow: {@link #CHILD_STEPS} {@link #MIX} in a row. */
    /** {@link #PROBE}: one step, started and completed. */
    public static final class Probe implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            return null;
        }
    }

    /** {@link #CHILD}. */
    public static final class Child implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            long v = ctx.getInput(Long.class);
            for (int j = 0; j < CHILD_STEPS; j++) {
                v = mixStep(ctx, v, 200 + j).await();
            }
            return v;
        }
    }

    /**
     * {@link #MIX}: works {@code delay} (so that a SIGKILL lands while activities run), then mixes.
     *
     * @param ctx   the task
     * @param delay how long it works
     * @return the mixed value
     * @throws InterruptedException if the worker stops meanwhile
     */
    static long runMix(ActivityContext ctx, Duration delay) throws InterruptedException {
        long[] in = ctx.getInput(long[].class);
        if (!delay.isZero()) {
            Thread.sleep(delay);
        }
        return mix(in[0], in[1]);
    }

    /**
     * {@link #SLOW_MIX}: works {@link #SLOW_WORK} in slices, heartbeating after each, then mixes.
     *
     * @param ctx the task
     * @return the mixed value
     * @throws InterruptedException if the worker stops meanwhile
     */
    static long runSlowMix(ActivityContext ctx) throws InterruptedException {
        long[] in = ctx.getInput(long[].class);
        for (long done = 0; done < SLOW_WORK.toMillis(); done += SLOW_HEARTBEAT_EVERY.toMillis()) {
            Thread.sleep(SLOW_HEARTBEAT_EVERY);
            ctx.heartbeat(done);
        }
        return mix(in[0], in[1]);
    }
}

package io.gregor.client.workflow;

import java.time.Duration;

/**
 * Options of one activity call.
 *
 * <p>A task queue routes the call's attempts to the workers of that queue: they go to the topic
 * {@code <prefix>.activity-tasks.<taskQueue>}, which only workers built with
 * {@code taskQueue(<taskQueue>)} (or any Kafka consumer, in any language: docs/polyglot.md)
 * read. The orchestrator must declare the queue ({@code GregorOrchestrator.Builder.taskQueues});
 * a call on an undeclared queue fails at once with a non-retriable {@link TaskFailedException}.
 *
 * <p>Timeouts are enforced by the orchestrator with durable timers, so they hold whatever happens
 * to the worker (a crash, a pause, a lost network). An attempt that times out fails with a
 * {@link TaskFailedException} whose error type is {@value #TIMEOUT_ERROR_TYPE}, its running
 * worker is told to stop (through the activity-cancellations topic), a late result of it is
 * ignored, and the retry policy decides whether another attempt follows:
 * <ul>
 *   <li>start-to-close: how long one attempt may run, from its dispatch;</li>
 *   <li>heartbeat: the longest gap between two heartbeats of an attempt (the first counted from
 *       its dispatch); the next attempt reads the last heartbeat's details;</li>
 *   <li>schedule-to-close: how long the whole activity may take, retries and backoffs included,
 *       from the first attempt's scheduling. No attempt starts after it, and the running one times
 *       out at it; that timeout is never retried.</li>
 * </ul>
 *
 * <pre>{@code
 * ctx.callActivity("Resize", image, TaskOptions.onTaskQueue("node"), Image.class).await();
 * ctx.callActivity("Charge", order, TaskOptions.withRetryPolicy(policy).withTaskQueue("payments"), Receipt.class);
 * ctx.callActivity("Import", file, TaskOptions.withRetryPolicy(policy)
 *         .withStartToCloseTimeout(Duration.ofMinutes(10)).withHeartbeatTimeout(Duration.ofSeconds(30)), Long.class);
 * }</pre>
 *
 * @param retryPolicy            how failures are retried, or null for a single attempt
 * @param taskQueue              the task queue whose workers run it, or null for the default queue
 *                               ({@code <prefix>.activity-tasks})
 * @param scheduleToCloseTimeout the most the whole activity may take, retries included, or null for no limit
 * @param startToCloseTimeout    the most one attempt may run, or null for no limit
 * @param heartbeatTimeout       the longest an attempt may go without a heartbeat, or null for no limit
 */
public record TaskOptions(RetryPolicy retryPolicy, String taskQueue, Duration scheduleToCloseTimeout, Duration startToCloseTimeout,
                          Duration heartbeatTimeout) {

    /** The error type of the failure of an attempt that timed out. */
    public static final String TIMEOUT_ERROR_TYPE = "io.gregor.ActivityTimeout";

    /** Validates the timeouts, naming the offending one. */
    public TaskOptions {
        requirePositive("scheduleToCloseTimeout", scheduleToCloseTimeout);
        requirePositive("startToCloseTimeout", startToCloseTimeout);
        requirePositive("heartbeatTimeout", heartbeatTimeout);
    }

    /**
     * Options without timeouts.
     *
     * @param retryPolicy how failures are retried, or null for a single attempt
     * @param taskQueue   the task queue whose workers run it, or null for the default queue
     */
    public TaskOptions(RetryPolicy retryPolicy, String taskQueue) {
        this(retryPolicy, taskQueue, null, null, null);
    }

    /**
     * Options on the default task queue, without timeouts.
     *
     * @param retryPolicy how failures are retried, or null for a single attempt
     */
    public TaskOptions(RetryPolicy retryPolicy) {
        this(retryPolicy, null);
    }

    /** @return options that run the activity once, on the default task queue, without timeouts */
    public static TaskOptions defaults() {
        return new TaskOptions(null, null);
    }

    /** @param policy the retry policy @return options that retry with it, on the default task queue */
    public static TaskOptions withRetryPolicy(RetryPolicy policy) {
        return new TaskOptions(policy);
    }

    /**
     * @param taskQueue the task queue whose workers run the activity
     * @return options that run it once, on that queue
     */
    public static TaskOptions onTaskQueue(String taskQueue) {
        return new TaskOptions(null, taskQueue);
    }

    /**
     * @param queue the task queue whose workers run the activity, or null for the default queue
     * @return these options on that queue
     */
    public TaskOptions withTaskQueue(String queue) {
        return new TaskOptions(retryPolicy, queue, scheduleToCloseTimeout, startToCloseTimeout, heartbeatTimeout);
    }

    /**
     * @param timeout the most the whole activity may take from its first attempt's scheduling,
     *                retries and backoffs included; positive, or null for no limit
     * @return these options with that schedule-to-close timeout
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public TaskOptions withScheduleToCloseTimeout(Duration timeout) {
        return new TaskOptions(retryPolicy, taskQueue, timeout, startToCloseTimeout, heartbeatTimeout);
    }

    /**
     * @param timeout the most one attempt may run from its dispatch; positive, or null for no limit
     * @return these options with that start-to-close timeout
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public TaskOptions withStartToCloseTimeout(Duration timeout) {
        return new TaskOptions(retryPolicy, taskQueue, scheduleToCloseTimeout, timeout, heartbeatTimeout);
    }

    /**
     * @param timeout the longest an attempt may go without a heartbeat (the first counted from its
     *                dispatch); positive, or null for no limit
     * @return these options with that heartbeat timeout
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public TaskOptions withHeartbeatTimeout(Duration timeout) {
        return new TaskOptions(retryPolicy, taskQueue, scheduleToCloseTimeout, startToCloseTimeout, timeout);
    }

    private static void requirePositive(String name, Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("Expected a positive " + name + " or null for none, but found " + timeout);
        }
    }
}

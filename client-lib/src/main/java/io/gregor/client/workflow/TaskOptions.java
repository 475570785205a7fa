package io.gregor.client.workflow;

/**
 * Options of one activity call.
 *
 * <p>A task queue routes the call's attempts to the workers of that queue: they go to the topic
 * {@code <prefix>.activity-tasks.<taskQueue>}, which only workers built with
 * {@code taskQueue(<taskQueue>)} (or any Kafka consumer, in any language: docs/polyglot.md)
 * read. The orchestrator must declare the queue ({@code GregorOrchestrator.Builder.taskQueues});
 * a call on an undeclared queue fails at once with a non-retriable {@link TaskFailedException}.
 *
 * <pre>{@code
 * ctx.callActivity("Resize", image, TaskOptions.onTaskQueue("node"), Image.class).await();
 * ctx.callActivity("Charge", order, TaskOptions.withRetryPolicy(policy).withTaskQueue("payments"), Receipt.class);
 * }</pre>
 *
 * @param retryPolicy how failures are retried, or null for a single attempt
 * @param taskQueue   the task queue whose workers run it, or null for the default queue
 *                    ({@code <prefix>.activity-tasks})
 */
public record TaskOptions(RetryPolicy retryPolicy, String taskQueue) {

    /**
     * Options on the default task queue.
     *
     * @param retryPolicy how failures are retried, or null for a single attempt
     */
    public TaskOptions(RetryPolicy retryPolicy) {
        this(retryPolicy, null);
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
        return new TaskOptions(retryPolicy, queue);
    }
}

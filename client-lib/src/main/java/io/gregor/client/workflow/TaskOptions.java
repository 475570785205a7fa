package io.gregor.client.workflow;

/**
 * Options of one activity call.
 *
 * @param retryPolicy how failures are retried, or null for a single attempt
 */
public record TaskOptions(RetryPolicy retryPolicy) {

    /** @param policy the retry policy @return options that retry with it */
    public static TaskOptions withRetryPolicy(RetryPolicy policy) {
        return new TaskOptions(policy);
    }
}

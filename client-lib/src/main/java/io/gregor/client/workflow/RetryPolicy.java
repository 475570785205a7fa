package io.gregor.client.workflow;

import io.gregor.client.FailureDetails;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a failed activity is retried. Retries are durable: the orchestrator records each attempt
 * and waits for the backoff on a durable timer, so they survive restarts.
 *
 * <p>The delay before attempt {@code n + 1} is {@code firstRetryInterval * backoffCoefficient^(n-1)},
 * capped at {@code maxRetryInterval}. Retrying stops after {@code maxAttempts} attempts, when the
 * next attempt would start after {@code retryTimeout} measured from the first attempt, or when
 * the failure is non-retriable (its type is listed in {@code nonRetriableErrorTypes}, or the
 * worker marked it so).
 *
 * @param maxAttempts            attempts in all, at least 1
 * @param firstRetryInterval     delay before the second attempt, positive
 * @param backoffCoefficient     growth of the delay per attempt, at least 1
 * @param maxRetryInterval       upper bound of a delay, or null for none
 * @param retryTimeout           no attempt starts later than this after the first, or null for none
 * @param nonRetriableErrorTypes class names of errors that are never retried
 */
public record RetryPolicy(int maxAttempts, Duration firstRetryInterval, double backoffCoefficient,
                          Duration maxRetryInterval, Duration retryTimeout, Set<String> nonRetriableErrorTypes) {

    /** Validates the policy, naming the offending value. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Expected maxAttempts >= 1, but found " + maxAttempts);
        }
        Objects.requireNonNull(firstRetryInterval, "firstRetryInterval");
        if (firstRetryInterval.isNegative() || firstRetryInterval.isZero()) {
            throw new IllegalArgumentException("Expected a positive firstRetryInterval, but found " + firstRetryInterval);
        }
        if (!(backoffCoefficient >= 1.0)) {
            throw new IllegalArgumentException("Expected backoffCoefficient >= 1, but found " + backoffCoefficient);
        }
        nonRetriableErrorTypes = nonRetriableErrorTypes == null ? Set.of() : Set.copyOf(nonRetriableErrorTypes);
    }

    /**
     * A policy with the given attempts and first interval, coefficient 1 (constant delay), no cap
     * and no overall timeout.
     *
     * @param maxAttempts        attempts in all
     * @param firstRetryInterval delay between attempts
     * @return the policy
     */
    public static RetryPolicy of(int maxAttempts, Duration firstRetryInterval) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, 1.0, null, null, Set.of());
    }

    /** @param coefficient the new backoff coefficient @return a copy with it */
    public RetryPolicy withBackoffCoefficient(double coefficient) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, coefficient, maxRetryInterval, retryTimeout, nonRetriableErrorTypes);
    }

    /** @param max the new cap on one delay @return a copy with it */
    public RetryPolicy withMaxRetryInterval(Duration max) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, backoffCoefficient, max, retryTimeout, nonRetriableErrorTypes);
    }

    /** @param timeout the new overall retry timeout @return a copy with it */
    public RetryPolicy withRetryTimeout(Duration timeout) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, timeout, nonRetriableErrorTypes);
    }

    /** @param errorTypes error classes that are never retried @return a copy with them */
    @SafeVarargs
    public final RetryPolicy withNonRetriableErrors(Class<? extends Throwable>... errorTypes) {
        var names = new java.util.HashSet<>(nonRetriableErrorTypes);
        for (var t : errorTypes) {
            names.add(t.getName());
        }
        return new RetryPolicy(maxAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, retryTimeout, names);
    }

    /**
     * The delay before the next attempt after {@code failedAttempt} attempts failed.
     *
     * @param failedAttempt the number of the attempt that just failed, from 1
     * @return the backoff delay
     */
    public Duration delayAfter(int failedAttempt) {
        double millis = firstRetryInterval.toMillis() * Math.pow(backoffCoefficient, failedAttempt - 1);
        long delay = millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis;
        if (maxRetryInterval != null) {
            delay = Math.min(delay, maxRetryInterval.toMillis());
        }
        return Duration.ofMillis(delay);
    }

    /**
     * Whether to retry after a failure.
     *
     * @param failedAttempt   the number of the attempt that just failed, from 1
     * @param failure         why it failed
     * @param sinceFirstAttempt time since the first attempt was scheduled
     * @return true if another attempt should be made
     */
    public boolean shouldRetry(int failedAttempt, FailureDetails failure, Duration sinceFirstAttempt) {
        if (failedAttempt >= maxAttempts || failure.nonRetriable() || nonRetriableErrorTypes.contains(failure.errorType())) {
            return false;
        }
        return retryTimeout == null || sinceFirstAttempt.plus(delayAfter(failedAttempt)).compareTo(retryTimeout) <= 0;
    }
}

package io.gregor.worker;

/**
 * An activity: ordinary (non-deterministic, side-effecting) code run by workers, at least once
 * per attempt.
 *
 * <p>Unlike workflow code, an activity may do anything: call services, read the clock, write
 * files. Because a worker can die after running it but before its result is recorded, the same
 * attempt may run more than once; use {@link ActivityContext#getInstanceId()},
 * {@link ActivityContext#getTaskId()} and {@link ActivityContext#getAttempt()} as an
 * idempotency key when side effects must not repeat.
 *
 * <p>Retries, backoff and timeouts are decided by the orchestrator, not here: throwing simply
 * reports a failed attempt.
 */
@FunctionalInterface
public interface Activity {

  /**
   * Runs one attempt of the activity.
   *
   * @param ctx the task being run: its input and identifiers
   * @return the output, serialized with the worker's {@code DataConverter} (JSON by default);
   *     may be {@code null}
   * @throws Exception to report a failed attempt; the exception's type and message are sent to
   *     the orchestrator
   */
  Object run(ActivityContext ctx) throws Exception;
}

package io.gregor.worker;

/**
 * Thrown by {@link ActivityContext#heartbeat(Object)} when the orchestrator no longer wants the
 * attempt's result: its workflow instance ended, the task lost an {@code anyOf}, the attempt
 * timed out, or its deadline passed. An activity may let it propagate (the worker then reports
 * the attempt failed, which the orchestrator ignores) or catch it to clean up first.
 */
public final class ActivityCanceledException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * @param message the full message, naming the attempt
   * @param reason why the attempt was cancelled, as the orchestrator (or the worker) said it
   */
  public ActivityCanceledException(String message, String reason) {
    super(message);
    this.reason = reason;
  }

  /**
   * Why the attempt was cancelled.
   *
   * @return the reason, e.g. that the workflow was terminated or the attempt timed out
   */
  public String reason() {
    return reason;
  }
}

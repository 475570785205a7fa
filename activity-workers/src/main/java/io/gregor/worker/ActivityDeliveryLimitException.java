package io.gregor.worker;

/**
 * The failure a share-group worker reports for a task record delivered as often as the group's
 * {@code share.delivery.count.limit} allows without a result: each worker that took it crashed,
 * hung or was stopped before writing one. Rather than run it a last time (and let the broker
 * archive it silently if that crashes too), the worker reports this retriable failure, so the
 * workflow's retry policy decides what follows. Match it in non-retryable error types by this
 * class's name to fail the activity at once instead.
 */
public final class ActivityDeliveryLimitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message names the activity, the attempt and the delivery count
   */
  public ActivityDeliveryLimitException(String message) {
    super(message);
  }
}

package io.gregor.worker;

import java.util.Collection;
import java.util.List;

/**
 * A task named an activity the worker does not have. Reported to the orchestrator as a
 * non-retriable failure with this class as the error type: another attempt on the same worker
 * could not succeed.
 */
public final class ActivityNotRegisteredException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param name the activity name the task asked for
   * @param workerId the worker that received the task
   * @param registered the names registered on that worker
   */
  public ActivityNotRegisteredException(String name, String workerId, Collection<String> registered) {
    super("No activity named '" + name + "' is registered on worker " + workerId
        + "; registered: " + List.copyOf(registered));
  }
}

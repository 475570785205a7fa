package io.gregor.client.workflow;

/**
 * The durable result of an activity, a timer or an external event, possibly not yet known.
 *
 * @param <T> the type of the result
 */
public interface Task<T> {

    /**
     * Waits for the result. The workflow is suspended (not a thread blocked in the orchestrator:
     * the instance is parked until the result is recorded in its history).
     *
     * @return the result
     * @throws TaskFailedException   if the activity (or a task this one depends on) failed
     * @throws TaskCanceledException if the task was canceled, e.g. an event wait timed out
     */
    T await();

    /** @return true once the task has a result or failed */
    boolean isDone();

    /** @return true if the task failed or was canceled */
    boolean isFailed();
}

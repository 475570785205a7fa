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

    /**
     * Gives the task up, like a Temporal cancellation scope: if it is not done, it fails at once
     * with a {@link TaskCanceledException} of reason {@link TaskCanceledException.Reason#CANCELED}
     * (so do the tasks derived from it, such as an {@code allOf} over it), and what it waited for
     * is stopped:
     * <ul>
     *   <li>an activity: the cancellation is recorded in the history, the worker running the attempt is told
     *       ({@code ActivityContext.isCancelled()}, and {@code heartbeat} throws), its timeouts end, no retry
     *       follows, and a result that still arrives is not recorded;</li>
     *   <li>a child workflow: the cancellation is recorded and the child is terminated (with its own children);</li>
     *   <li>a timer: it leaves the timer store;</li>
     *   <li>an external-event wait: it stops waiting; an event that arrives later stays for the next wait;</li>
     *   <li>an {@code allOf} or {@code anyOf}: every task in it that is not done is cancelled.</li>
     * </ul>
     * The typical use is an {@code anyOf} whose losers are no longer needed:
     * <pre>{@code
     * Task<?> first = ctx.anyOf(fast, slow).await();
     * (first == fast ? slow : fast).cancel();
     * }</pre>
     * Like every workflow decision it is replayed: the cancellation is recorded at the point the code made it.
     *
     * @return true if this call canceled the task, false if it was already done (completed, failed or canceled)
     * @throws IllegalStateException if called outside the workflow's code
     */
    boolean cancel();
}

package io.gregor.client.workflow;

import java.util.Objects;

/**
 * Thrown by {@link Task#await()} when a task was canceled; {@link #reason()} says why, so that code can tell a timeout
 * from whatever other reasons later versions add without parsing the message.
 */
public class TaskCanceledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a task was canceled. */
    public enum Reason {
        /**
         * {@link WorkflowContext#waitForExternalEvent(String, java.time.Duration, Class)} reached its timeout before the
         * event arrived (at once for a zero timeout and no buffered event).
         */
        TIMED_OUT,
        /** The workflow's code gave the task up with {@link Task#cancel()}. */
        CANCELED
    }

    private final Reason reason;

    /**
     * @param reason  why the task was canceled
     * @param message what was canceled and why, with the instance id
     */
    public TaskCanceledException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the task was canceled */
    public Reason reason() {
        return reason;
    }
}

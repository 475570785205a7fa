package io.gregor.client.workflow;

/** Thrown by {@link Task#await()} when a task was canceled, e.g. an external event did not arrive in time. */
public class TaskCanceledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was canceled and why */
    public TaskCanceledException(String message) {
        super(message);
    }
}

package io.gregor.client.workflow;

import io.gregor.client.FailureDetails;

/** Thrown by {@link Task#await()} when an activity failed (after any retries). */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String taskName;
    private final int taskId;
    private final transient FailureDetails failure;

    /**
     * @param taskName the activity's name
     * @param taskId   the task's sequence id in the workflow's history
     * @param failure  why it failed
     */
    public TaskFailedException(String taskName, int taskId, FailureDetails failure) {
        super("Task '" + taskName + "' (id " + taskId + ") failed: " + failure);
        this.taskName = taskName;
        this.taskId = taskId;
        this.failure = failure;
    }

    /** @return the activity's name */
    public String getTaskName() {
        return taskName;
    }

    /** @return the task's sequence id in the history */
    public int getTaskId() {
        return taskId;
    }

    /** @return the failure reported by the activity */
    public FailureDetails getFailureDetails() {
        return failure;
    }
}

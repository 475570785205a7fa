package io.gregor.orchestrator.internal.engine;

import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.ParentClosePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCancelRequested;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowContinuedAsNew;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowPatched;
import java.time.Instant;
import java.util.List;

/**
 * What workflow code asks the orchestrator to do. Each command is recorded as exactly one history
 * event; during replay the recorded event must match the command the code issues again.
 */
public sealed interface Command {

    /** @return the history event body that records this command */
    Object toEvent();

    /**
     * @param recorded the history event body found at this command's place in the history
     * @return true if {@code recorded} records this command
     */
    boolean matches(Object recorded);

    /** @return a short description for non-determinism errors */
    String describe();

    /**
     * Run an activity (one attempt).
     *
     * @param taskQueue                    the queue whose workers run it, or null for the default queue; not part of
     *                                     {@link #matches}: moving an activity to another queue is a deployment choice,
     *                                     not a change of the workflow's decisions
     * @param startToCloseTimeoutMillis    how long this attempt may run from its dispatch, or null
     * @param scheduleToCloseTimeoutMillis what is left of the activity's schedule-to-close timeout at this attempt's
     *                                     dispatch, or null
     * @param heartbeatTimeoutMillis       the longest gap between its heartbeats, or null
     * @param heartbeatDetails             the last heartbeat details of the attempts before it, or null. Like the queue,
     *                                     the timeouts and details are not part of {@link #matches}: the recorded ones hold
     */
    record ScheduleTask(int taskId, String activityName, Payload input, int attempt, String taskQueue, Long startToCloseTimeoutMillis,
                        Long scheduleToCloseTimeoutMillis, Long heartbeatTimeoutMillis, Payload heartbeatDetails) implements Command {
        /** An attempt on the default task queue. */
        public ScheduleTask(int taskId, String activityName, Payload input, int attempt) {
            this(taskId, activityName, input, attempt, null);
        }

        /** An attempt without timeouts. */
        public ScheduleTask(int taskId, String activityName, Payload input, int attempt, String taskQueue) {
            this(taskId, activityName, input, attempt, taskQueue, null, null, null, null);
        }

        @Override
        public Object toEvent() {
            return new TaskScheduled(taskId, activityName, input, attempt, taskQueue, startToCloseTimeoutMillis, scheduleToCloseTimeoutMillis,
                    heartbeatTimeoutMillis, heartbeatDetails);
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof TaskScheduled t && t.getTaskId() == taskId && t.getActivityName().equals(activityName);
        }

        @Override
        public String describe() {
            return "ScheduleTask(id=" + taskId + ", activity='" + activityName + "', attempt=" + attempt + ")";
        }
    }

    /** Start a durable timer. */
    record CreateTimer(int timerId, long fireAt) implements Command {
        @Override
        public Object toEvent() {
            return new TimerCreated(timerId, Instant.ofEpochMilli(fireAt));
        }

        @Override
        public boolean matches(Object recorded) {
            // The fire time is derived from recorded time, so it must match too; a different
            // duration is a code change.
            return recorded instanceof TimerCreated t && t.getTimerId() == timerId && t.getFireAt().toEpochMilli() == fireAt;
        }

        @Override
        public String describe() {
            return "CreateTimer(id=" + timerId + ", fireAt=" + Instant.ofEpochMilli(fireAt) + ")";
        }
    }

    /**
     * Take a timer the code no longer needs out of the timer store: the event whose timeout it
     * was arrived, or it lost an anyOf. It refers to the timer's sequence id and takes none itself.
     */
    record CancelTimer(int timerId, long fireAt) implements Command {
        @Override
        public Object toEvent() {
            return new TimerCancelled(timerId, Instant.ofEpochMilli(fireAt));
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof TimerCancelled t && t.getTimerId() == timerId;
        }

        @Override
        public String describe() {
            return "CancelTimer(id=" + timerId + ")";
        }
    }

    /**
     * Give up a running activity attempt or child workflow ({@code Task.cancel()}). Like
     * {@link CancelTimer} it refers to the task's sequence id and takes none itself.
     *
     * @param name            the activity's or child workflow's name
     * @param attempt         the activity attempt running, which its worker is told to stop
     * @param childInstanceId the child's instance id, which is terminated; null for an activity
     */
    record CancelTask(int taskId, String name, int attempt, String childInstanceId) implements Command {
        @Override
        public Object toEvent() {
            return new TaskCancelRequested(taskId);
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof TaskCancelRequested t && t.getTaskId() == taskId;
        }

        @Override
        public String describe() {
            return "CancelTask(id=" + taskId + ", " + (childInstanceId == null ? "activity" : "child workflow") + "='" + name + "')";
        }
    }

    /** Finish the workflow with an output. */
    record CompleteWorkflow(Payload output) implements Command {
        @Override
        public Object toEvent() {
            return new WorkflowCompleted(output);
        }

        @Override
        public boolean matches(Object recorded) {
            // Outputs are not compared: equal values may serialize with another field order.
            return recorded instanceof WorkflowCompleted;
        }

        @Override
        public String describe() {
            return "CompleteWorkflow";
        }
    }

    /** Finish the workflow with a failure. */
    record FailWorkflow(FailureDetails failure) implements Command {
        @Override
        public Object toEvent() {
            return new WorkflowFailed(failure);
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof WorkflowFailed;
        }

        @Override
        public String describe() {
            return "FailWorkflow(" + failure.getErrorType() + ": " + failure.getMessage() + ")";
        }
    }

    /** Start one attempt of a child workflow, under its own instance id. */
    record ScheduleChild(int taskId, String name, String instanceId, Payload input, int attempt, ParentClosePolicy parentClosePolicy)
            implements Command {
        @Override
        public Object toEvent() {
            return new ChildWorkflowScheduled(taskId, name, instanceId, input, attempt, parentClosePolicy);
        }

        @Override
        public boolean matches(Object recorded) {
            // The instance id is not compared: a derived one changes with the parent's id (a rerun), and the recorded one is used.
            return recorded instanceof ChildWorkflowScheduled c && c.getTaskId() == taskId && c.getName().equals(name);
        }

        @Override
        public String describe() {
            return "ScheduleChild(id=" + taskId + ", workflow='" + name + "', instance='" + instanceId + "', attempt=" + attempt + ")";
        }
    }

    /**
     * End this generation and start the next under the same id with {@code input}.
     *
     * @param carried the events no code consumed, in arrival order, for the next generation (empty unless kept)
     */
    record ContinueAsNew(Payload input, List<EventRaised> carried) implements Command {
        @Override
        public Object toEvent() {
            return new WorkflowContinuedAsNew(input);
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof WorkflowContinuedAsNew;
        }

        @Override
        public String describe() {
            return "ContinueAsNew";
        }
    }

    /**
     * Record that the code took the new branch of a change ({@code isPatched}). It takes no
     * sequence id, so adding or removing a guard never shifts the ids of the commands after it.
     */
    record RecordPatch(String changeId) implements Command {
        @Override
        public Object toEvent() {
            return new WorkflowPatched(changeId);
        }

        @Override
        public boolean matches(Object recorded) {
            return recorded instanceof WorkflowPatched p && p.getChangeId().equals(changeId);
        }

        @Override
        public String describe() {
            return "RecordPatch('" + changeId + "')";
        }
    }
}

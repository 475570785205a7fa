package io.gregor.orchestrator.internal.engine;

import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowFailed;
import java.time.Instant;

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

    /** Run an activity (one attempt). */
    record ScheduleTask(int taskId, String activityName, Payload input, int attempt) implements Command {
        @Override
        public Object toEvent() {
            return new TaskScheduled(taskId, activityName, input, attempt);
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
}

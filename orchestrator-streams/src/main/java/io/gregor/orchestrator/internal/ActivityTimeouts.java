package io.gregor.orchestrator.internal;

import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.internal.store.AttemptRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.schemas.avro.ActivityAttempt;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Activity timeouts, enforced by the orchestrator: an attempt dispatched with any timeout gets an
 * entry in the attempt store (its deadlines, last heartbeat and details) and one durable timer,
 * due at its earliest deadline. A heartbeat rewrites the small entry only, never the timer or the
 * history: when the timer fires and a heartbeat moved the heartbeat deadline meanwhile, it re-arms
 * itself there (as Temporal does), so a long activity costs one timer firing per heartbeat
 * timeout, not one write per heartbeat beyond the entry's.
 *
 * <p>A deadline that passed is recorded as the attempt's {@link TaskFailed} (an input, like a
 * worker's result, so replay needs no clock and no timer) with the last heartbeat's details; the
 * retry policy decides what follows. A schedule-to-close timeout is non-retriable. The worker
 * still running the attempt is told through the activity-cancellations topic, and its late
 * result finds the task closed and is dropped.
 */
final class ActivityTimeouts {
    private final AttemptRepository attempts;
    private final TimerRepository timers;
    private final Outputs outputs;

    ActivityTimeouts(AttemptRepository attempts, TimerRepository timers, Outputs outputs) {
        this.attempts = attempts;
        this.timers = timers;
        this.outputs = outputs;
    }

    /**
     * Whether a worker's report is of the instance's running generation: task ids start again in
     * every generation, so a late report of an ended generation's task could otherwise complete
     * the next generation's task with the same id. A report without a generation (a worker that
     * does not copy it) is not checked.
     */
    static boolean isCurrentGeneration(InstanceMetadata meta, Integer generation) {
        return generation == null || generation == meta.getGeneration();
    }

    /**
     * Starts the timeouts of an attempt dispatched now.
     *
     * @return when it times out at the latest (the earlier of its start-to-close and
     *         schedule-to-close deadlines), for the worker; null for never
     */
    Instant dispatched(String instanceId, int generation, TaskScheduled task, long now) {
        Long startToClose = task.getStartToCloseTimeoutMillis();
        Long scheduleToClose = task.getScheduleToCloseTimeoutMillis();
        if (startToClose == null && scheduleToClose == null && task.getHeartbeatTimeoutMillis() == null) {
            return null;
        }
        ActivityAttempt attempt = ActivityAttempt.newBuilder().setInstanceId(instanceId).setTaskId(task.getTaskId())
                .setAttempt(task.getAttempt()).setActivityName(task.getActivityName()).setScheduledAt(Instant.ofEpochMilli(now))
                .setStartToCloseDeadline(startToClose == null ? null : Instant.ofEpochMilli(now + startToClose))
                .setScheduleToCloseDeadline(scheduleToClose == null ? null : Instant.ofEpochMilli(now + scheduleToClose))
                .setHeartbeatTimeoutMillis(task.getHeartbeatTimeoutMillis()).setTimerFireAt(Instant.EPOCH).setGeneration(generation).build();
        arm(attempt, dueAt(attempt));
        long deadline = Math.min(millisOr(attempt.getStartToCloseDeadline()), millisOr(attempt.getScheduleToCloseDeadline()));
        return deadline == Long.MAX_VALUE ? null : Instant.ofEpochMilli(deadline);
    }

    /**
     * Notes a heartbeat of a running attempt: its time and, if it carries any, its details.
     *
     * @return false if the attempt is not running with a timeout here (ended, timed out, another attempt), so it was ignored
     */
    boolean heartbeat(ActivityHeartbeat heartbeat, long now) {
        ActivityAttempt attempt = attempts.get(heartbeat.getInstanceId(), heartbeat.getTaskId());
        if (attempt == null || attempt.getAttempt() != heartbeat.getAttempt()
                || heartbeat.getGeneration() != null && heartbeat.getGeneration() != attempt.getGeneration()) {
            return false;
        }
        Instant previous = attempt.getLastHeartbeatAt() != null ? attempt.getLastHeartbeatAt() : attempt.getScheduledAt();
        // A worker's clock behind ours never moves the heartbeat deadline back.
        attempt.setLastHeartbeatAt(Instant.ofEpochMilli(Math.max(now, previous.toEpochMilli())));
        if (heartbeat.getDetails() != null) {
            attempt.setHeartbeatDetails(heartbeat.getDetails());
        }
        attempts.put(attempt);
        return true;
    }

    /** @return the last heartbeat details of the task's running attempt, or null */
    Payload details(String instanceId, int taskId) {
        ActivityAttempt attempt = attempts.get(instanceId, taskId);
        return attempt == null ? null : attempt.getHeartbeatDetails();
    }

    /** The attempt's result is being recorded: it no longer times out, and its timer leaves the store. */
    void closed(String instanceId, int taskId) {
        ActivityAttempt attempt = attempts.get(instanceId, taskId);
        if (attempt != null) {
            timers.cancel(instanceId, SystemTimer.activityTimeout(taskId), attempt.getTimerFireAt().toEpochMilli());
            attempts.delete(instanceId, taskId);
        }
    }

    /** The orchestrator no longer wants the attempt's result: it is closed, and the worker running it is told why. */
    void cancel(String instanceId, int generation, int taskId, int attempt, String reason, long now) {
        closed(instanceId, taskId);
        outputs.cancellation(new ActivityCancellation(instanceId, taskId, attempt, reason, generation), now);
    }

    /**
     * An attempt's timeout timer fired: if a deadline passed, the attempt is closed, its worker is
     * told, and the failure to record is returned; if a heartbeat moved its deadline, the timer
     * is set again for it.
     *
     * @return the attempt's failure to record, or empty if none is due (re-armed, or a timer of an attempt already closed)
     */
    Optional<TaskFailed> due(DurableTimer timer, long now) {
        int taskId = SystemTimer.timedOutTask(timer.getTimerId());
        ActivityAttempt attempt = attempts.get(timer.getInstanceId(), taskId);
        if (attempt == null || !attempt.getTimerFireAt().equals(timer.getFireAt())) {
            return Optional.empty();
        }
        long at = timer.getFireAt().toEpochMilli();
        long due = dueAt(attempt);
        if (due > at) {
            arm(attempt, due);
            return Optional.empty();
        }
        FailureDetails failure = failure(attempt, at);
        // Its timer was taken when it came due: only the entry is left to delete.
        attempts.delete(attempt.getInstanceId(), taskId);
        outputs.cancellation(new ActivityCancellation(attempt.getInstanceId(), taskId, attempt.getAttempt(), failure.getMessage(),
                attempt.getGeneration()), now);
        return Optional.of(new TaskFailed(taskId, failure, attempt.getHeartbeatDetails()));
    }

    private void arm(ActivityAttempt attempt, long fireAt) {
        attempt.setTimerFireAt(Instant.ofEpochMilli(fireAt));
        timers.schedule(new DurableTimer(attempt.getInstanceId(), SystemTimer.activityTimeout(attempt.getTaskId()), attempt.getTimerFireAt()));
        attempts.put(attempt);
    }

    /** @return the earliest of the attempt's deadlines, the heartbeat one counted from its last heartbeat (or its dispatch) */
    private static long dueAt(ActivityAttempt attempt) {
        long due = Math.min(millisOr(attempt.getStartToCloseDeadline()), millisOr(attempt.getScheduleToCloseDeadline()));
        if (attempt.getHeartbeatTimeoutMillis() != null) {
            due = Math.min(due, lastSignOfLife(attempt).toEpochMilli() + attempt.getHeartbeatTimeoutMillis());
        }
        return due;
    }

    private static Instant lastSignOfLife(ActivityAttempt attempt) {
        return attempt.getLastHeartbeatAt() != null ? attempt.getLastHeartbeatAt() : attempt.getScheduledAt();
    }

    private static long millisOr(Instant deadline) {
        return deadline == null ? Long.MAX_VALUE : deadline.toEpochMilli();
    }

    /** Which deadline passed, in words; a schedule-to-close one first, as it ends the activity whatever the retry policy says. */
    private static FailureDetails failure(ActivityAttempt attempt, long at) {
        String what = "activity '" + attempt.getActivityName() + "' (instance " + attempt.getInstanceId() + ", task " + attempt.getTaskId()
                + ", attempt " + attempt.getAttempt() + ")";
        Instant scheduleToClose = attempt.getScheduleToCloseDeadline();
        if (scheduleToClose != null && scheduleToClose.toEpochMilli() <= at) {
            return new FailureDetails(TaskOptions.TIMEOUT_ERROR_TYPE, "Expected " + what + " to finish by its schedule-to-close deadline "
                    + scheduleToClose + ", but it had not; the activity is not retried", null, true);
        }
        Instant startToClose = attempt.getStartToCloseDeadline();
        if (startToClose != null && startToClose.toEpochMilli() <= at) {
            return new FailureDetails(TaskOptions.TIMEOUT_ERROR_TYPE, "Expected " + what + " to finish within its start-to-close timeout of "
                    + Duration.between(attempt.getScheduledAt(), startToClose) + " from its dispatch at " + attempt.getScheduledAt()
                    + ", but it had not by " + startToClose, null, false);
        }
        String last = attempt.getLastHeartbeatAt() == null ? "it sent none since its dispatch at " + attempt.getScheduledAt()
                : "its last heartbeat was at " + attempt.getLastHeartbeatAt();
        return new FailureDetails(TaskOptions.TIMEOUT_ERROR_TYPE, "Expected " + what + " to heartbeat within "
                + Duration.ofMillis(attempt.getHeartbeatTimeoutMillis()) + ", but " + last, null, false);
    }
}

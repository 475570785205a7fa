package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.DurableTimer;
import java.time.Instant;

/**
 * The orchestrator's own durable timers, beside the workflow code's. Workflow timers carry the
 * sequence id of their TimerCreated (never negative), so a negative id says which of these it is;
 * an instance has at most one of each, found again from its metadata (startAt, purgeAt). Below
 * them, {@link #activityTimeout} ids time out running activity attempts, one per attempt, found
 * again from the attempt store ({@link ActivityTimeouts}).
 */
enum SystemTimer {
    /** Starts a delayed instance at its startAt. */
    START(-1),
    /** Purges a terminal instance when its retention ends (purgeAt). */
    RETENTION(-2);

    private final int timerId;

    SystemTimer(int timerId) {
        this.timerId = timerId;
    }

    int timerId() {
        return timerId;
    }

    DurableTimer at(String instanceId, Instant fireAt) {
        return new DurableTimer(instanceId, timerId, fireAt);
    }

    /** The id of the first activity timeout timer (task 0); task n's is this minus n. */
    private static final int FIRST_ACTIVITY_TIMEOUT = -3;

    /** @return the id of the timeout timer of task {@code taskId}'s running attempt */
    static int activityTimeout(int taskId) {
        return FIRST_ACTIVITY_TIMEOUT - taskId;
    }

    /** @return the task whose attempt the timer times out, or -1 if it is no activity timeout timer */
    static int timedOutTask(int timerId) {
        return timerId <= FIRST_ACTIVITY_TIMEOUT ? FIRST_ACTIVITY_TIMEOUT - timerId : -1;
    }

    /** @return the system timer with this id, or null for a workflow timer */
    static SystemTimer of(int timerId) {
        for (SystemTimer timer : values()) {
            if (timer.timerId == timerId) {
                return timer;
            }
        }
        return null;
    }
}

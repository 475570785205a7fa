package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.DurableTimer;
import java.time.Instant;

/**
 * The orchestrator's own durable timers, beside the workflow code's. Workflow timers carry the
 * sequence id of their TimerCreated (never negative), so a negative id says which of these it is;
 * an instance has at most one of each, found again from its metadata (startAt, purgeAt).
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

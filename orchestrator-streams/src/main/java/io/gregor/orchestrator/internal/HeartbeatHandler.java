package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.ActivityHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's heartbeat keeps its attempt alive and keeps its progress details for the next
 * attempt. It touches neither the history nor the instance (no code runs): only the attempt's
 * small entry, so heartbeating often is cheap. A heartbeat of an attempt that is not running with
 * a timeout (it ended, timed out, or was dispatched without one) changes nothing.
 */
final class HeartbeatHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatHandler.class);
    private final ActivityTimeouts timeouts;

    HeartbeatHandler(ActivityTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    void handle(Input.Heartbeat input, long now) {
        ActivityHeartbeat heartbeat = input.heartbeat();
        if (!timeouts.heartbeat(heartbeat, now)) {
            LOG.debug("Ignored a heartbeat of task {} (attempt {}) of instance {} from worker {}: no such attempt runs with a timeout",
                    heartbeat.getTaskId(), heartbeat.getAttempt(), input.instanceId(), heartbeat.getWorkerId());
        }
    }
}

package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.engine.FailureMapping;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity results complete open tasks. Workers run activities at least once, so duplicates are
 * normal: a result whose task is no longer open is dropped, never recorded twice.
 */
final class ResultHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ResultHandler.class);
    private final InstanceStepper stepper;
    private final ActivityTimeouts activityTimeouts;

    ResultHandler(InstanceStepper stepper, ActivityTimeouts activityTimeouts) {
        this.stepper = stepper;
        this.activityTimeouts = activityTimeouts;
    }

    void handle(Input.Result input, long now) {
        ActivityResult result = input.result();
        InstanceMetadata meta = stepper.find(input.instanceId());
        if (meta == null) {
            LOG.warn("Dropped an activity result for unknown instance {} (task {}, attempt {}, worker {})", input.instanceId(),
                    result.getTaskId(), result.getAttempt(), result.getWorkerId());
            return;
        }
        if (InstanceApplier.isTerminal(meta.getStatus())) {
            LOG.debug("Dropped a result for task {} of instance {}: it is {}", result.getTaskId(), input.instanceId(), meta.getStatus());
            return;
        }
        if (!ActivityTimeouts.isCurrentGeneration(meta, result.getGeneration())) {
            LOG.info("Dropped a result for task {} (attempt {}) of instance {}: it belongs to generation {}, and generation {} runs now",
                    result.getTaskId(), result.getAttempt(), input.instanceId(), result.getGeneration(), meta.getGeneration());
            return;
        }
        Object event = result.getSucceeded()
                ? new TaskCompleted(result.getTaskId(), result.getOutput())
                : new TaskFailed(result.getTaskId(), result.getFailure() != null ? result.getFailure()
                        : FailureMapping.of("io.gregor.MissingFailureDetails",
                                "Expected failure details in a failed result, but found none (worker " + result.getWorkerId() + ")"),
                        detailsOf(result));
        if (!stepper.step(meta, event, now)) {
            LOG.info("Dropped a duplicate result for task {} (attempt {}) of instance {}: the task is not open", result.getTaskId(),
                    result.getAttempt(), input.instanceId());
        }
    }

    /** The details the worker sent with its failure, else those of the attempt's last heartbeat, for the next attempt. */
    private Payload detailsOf(ActivityResult result) {
        return result.getHeartbeatDetails() != null ? result.getHeartbeatDetails()
                : activityTimeouts.details(result.getInstanceId(), result.getTaskId());
    }
}

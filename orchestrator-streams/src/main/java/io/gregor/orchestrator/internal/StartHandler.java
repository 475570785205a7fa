package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.StartWorkflow;

/**
 * A start creates a new instance, now or, with a start time, PENDING until then. An existing id
 * refuses the start, unless the start allows reusing the id of an ended instance: that one is
 * purged first. A child's refused start fails its parent's task.
 */
final class StartHandler {
    private final InstanceStepper stepper;

    StartHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.Start input, long now, Rejection rejection) {
        StartWorkflow start = input.start();
        InstanceMetadata existing = stepper.find(input.instanceId());
        if (existing != null) {
            boolean reusable = start.getIdReusePolicy() == IdReusePolicy.ALLOW_IF_TERMINAL && InstanceApplier.isTerminal(existing.getStatus());
            if (!reusable) {
                // By default ids are not reused: a late result of the old run could complete a task of the new one.
                String reason = "Expected no instance with id '" + input.instanceId() + "'"
                        + (start.getIdReusePolicy() == IdReusePolicy.ALLOW_IF_TERMINAL ? " or an ended one" : "") + ", but found one "
                        + existing.getStatus() + " (workflow '" + existing.getWorkflowName() + "', created " + existing.getCreatedAt()
                        + "); the duplicate start was ignored";
                rejection.reject(reason);
                if (start.getParentInstanceId() != null) {
                    stepper.refuseChild(start, reason, now);
                }
                return;
            }
            stepper.purge(existing, now);
        }
        if (start.getStartAt() != null && start.getStartAt().toEpochMilli() > now) {
            stepper.schedule(start, now);
        } else {
            stepper.start(start, now);
        }
    }
}

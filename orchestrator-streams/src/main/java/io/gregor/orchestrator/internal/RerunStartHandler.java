package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RerunStart;

/**
 * Creates a rerun's new instance on the partition that owns its id: from the copied history, or
 * as a plain start when nothing is copied. Like a start, it never replaces an existing instance.
 */
final class RerunStartHandler {
    private final InstanceStepper stepper;

    RerunStartHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.Rerun input, long now, Rejection rejection) {
        RerunStart rerun = input.rerun();
        InstanceMetadata existing = stepper.find(input.instanceId());
        if (existing != null) {
            rejection.reject("Expected no instance with id '" + input.instanceId() + "' for the rerun of '" + rerun.getSourceInstanceId()
                    + "', but found one " + existing.getStatus() + " (workflow '" + existing.getWorkflowName() + "')");
        } else if (rerun.getHistory().isEmpty()) {
            stepper.start(rerun.getStart(), now);
        } else {
            stepper.startFrom(rerun.getStart(), rerun.getHistory(), now);
        }
    }
}

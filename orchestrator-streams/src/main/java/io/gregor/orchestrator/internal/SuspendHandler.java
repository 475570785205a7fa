package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.WorkflowSuspended;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Suspends a live instance: from the recorded {@link WorkflowSuspended} on no workflow code runs,
 * and the inputs that arrive are recorded and held for the resume. An ended instance cannot be
 * suspended (refused); suspending a suspended one changes nothing, so a retried request is harmless.
 */
final class SuspendHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SuspendHandler.class);
    private final InstanceStepper stepper;

    SuspendHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(InstanceMetadata meta, SuspendWorkflow suspend, long now, Rejection rejection) {
        if (InstanceApplier.isTerminal(meta.getStatus())) {
            rejection.reject("Expected a live instance '" + meta.getInstanceId() + "' to suspend, but it is " + meta.getStatus());
        } else if (meta.getStatus() == RuntimeStatus.SUSPENDED) {
            LOG.info("Suspend of instance {} ignored: it is already SUSPENDED", meta.getInstanceId());
        } else {
            stepper.step(meta, new WorkflowSuspended(suspend.getReason()), now);
        }
    }
}

package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowResumed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes a suspended instance: the inputs held since the suspension are fed to its code, in the
 * order they arrived. A stalled instance is retried: once fixed code is deployed, resume runs it
 * on without waiting for its next input. An ended instance cannot be resumed (refused); resuming
 * a live instance that is neither changes nothing, so a retried request is harmless.
 */
final class ResumeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeHandler.class);
    private final InstanceStepper stepper;

    ResumeHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(InstanceMetadata meta, ResumeWorkflow resume, long now, Rejection rejection) {
        if (InstanceApplier.isTerminal(meta.getStatus())) {
            rejection.reject("Expected a suspended instance '" + meta.getInstanceId() + "' to resume, but it is " + meta.getStatus());
        } else if (meta.getStatus() == RuntimeStatus.STALLED) {
            LOG.info("Resume of stalled instance {}: running its code again", meta.getInstanceId());
            stepper.retry(meta, now);
        } else if (meta.getStatus() != RuntimeStatus.SUSPENDED) {
            LOG.info("Resume of instance {} ignored: it is {}, not SUSPENDED", meta.getInstanceId(), meta.getStatus());
        } else {
            stepper.step(meta, new WorkflowResumed(resume.getReason()), now);
        }
    }
}

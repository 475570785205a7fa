package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;

/** Operators' lifecycle requests: each verb has its own handler; a request for an unknown instance is refused. */
final class ControlHandler {
    private final InstanceStepper stepper;
    private final TerminateHandler terminates;
    private final SuspendHandler suspends;
    private final ResumeHandler resumes;
    private final PurgeHandler purges;
    private final RerunHandler reruns;

    ControlHandler(InstanceStepper stepper, Outputs outputs) {
        this.stepper = stepper;
        this.terminates = new TerminateHandler(stepper);
        this.suspends = new SuspendHandler(stepper);
        this.resumes = new ResumeHandler(stepper);
        this.purges = new PurgeHandler(stepper);
        this.reruns = new RerunHandler(stepper, outputs);
    }

    /**
     * @param position where the request was first written (topic, partition, offset): what a rerun derives its new id from
     */
    void handle(Input.Control input, long now, String position, Rejection rejection) {
        InstanceMetadata meta = stepper.find(input.instanceId());
        if (meta == null) {
            rejection.reject("Expected a workflow instance '" + input.instanceId() + "' to control, but none exists");
            return;
        }
        switch (input.control().getAction()) {
            case TerminateWorkflow terminate -> terminates.handle(meta, terminate, now);
            case SuspendWorkflow suspend -> suspends.handle(meta, suspend, now, rejection);
            case ResumeWorkflow resume -> resumes.handle(meta, resume, now, rejection);
            case PurgeWorkflow purge -> purges.handle(meta, purge, now, rejection);
            case RerunWorkflow rerun -> reruns.handle(meta, rerun, now, position, rejection);
            default -> rejection.reject("Expected a known control action, but found " + input.control().getAction().getClass().getName());
        }
    }
}

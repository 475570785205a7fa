package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.TerminateWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operators' lifecycle requests. */
final class ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ControlHandler.class);
    private final InstanceStepper stepper;

    ControlHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.Control input, long now, Rejection rejection) {
        InstanceMetadata meta = stepper.find(input.instanceId());
        if (meta == null) {
            rejection.reject("Expected a workflow instance '" + input.instanceId() + "' to control, but none exists");
            return;
        }
        switch (input.control().getAction()) {
            case TerminateWorkflow terminate -> {
                if (InstanceApplier.isTerminal(meta.getStatus())) {
                    LOG.info("Terminate of instance {} ignored: it is already {}", input.instanceId(), meta.getStatus());
                } else {
                    stepper.terminate(meta, terminate, now);
                }
            }
            default -> rejection.reject("Expected a known control action, but found " + input.control().getAction().getClass().getName());
        }
    }
}

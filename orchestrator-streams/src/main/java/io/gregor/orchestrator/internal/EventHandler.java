package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.InstanceMetadata;

/** An external event is recorded on a running instance; for an unknown or finished one it is rejected. */
final class EventHandler {
    private final InstanceStepper stepper;

    EventHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.Event input, long now, Rejection rejection) {
        ExternalEvent event = input.event();
        InstanceMetadata meta = stepper.find(input.instanceId());
        if (meta == null) {
            rejection.reject("Expected a workflow instance '" + input.instanceId() + "' for external event '" + event.getName()
                    + "', but none exists");
        } else if (InstanceApplier.isTerminal(meta.getStatus())) {
            rejection.reject("Expected a running instance '" + input.instanceId() + "' for external event '" + event.getName()
                    + "', but it is " + meta.getStatus());
        } else {
            stepper.step(meta, new EventRaised(event.getName(), event.getPayload()), now);
        }
    }
}

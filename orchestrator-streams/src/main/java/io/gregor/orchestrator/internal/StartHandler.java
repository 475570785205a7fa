package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;

/** A start creates a new instance; a start for an id that exists changes nothing. */
final class StartHandler {
    private final InstanceStepper stepper;

    StartHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.Start input, long now, Rejection rejection) {
        InstanceMetadata existing = stepper.find(input.instanceId());
        if (existing != null) {
            // Ids are not reused: a late result of the old run would otherwise complete a task of the new one.
            rejection.reject("Expected no instance with id '" + input.instanceId() + "', but found one " + existing.getStatus()
                    + " (workflow '" + existing.getWorkflowName() + "', created " + existing.getCreatedAt()
                    + "); the duplicate start was ignored");
            return;
        }
        stepper.start(input.start(), now);
    }
}

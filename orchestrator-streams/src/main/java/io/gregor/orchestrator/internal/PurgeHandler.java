package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.PurgeWorkflow;

/**
 * Purges an ended instance: its metadata, history and timers are deleted with tombstones, and the
 * id reads as unknown and may be started again. A live instance is refused, naming its status.
 * A recursive purge sends a purge to every child the instance started (a child still running
 * refuses it, as any live instance does).
 *
 * <p>A batch purge (by status, created before) is one PurgeWorkflow per instance, sent by the
 * HTTP API or the client after listing the instances: a control record reaches the one partition
 * of its key, so no single record can reach the instances of every partition.
 */
final class PurgeHandler {
    private final InstanceStepper stepper;

    PurgeHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(InstanceMetadata meta, PurgeWorkflow purge, long now, Rejection rejection) {
        if (!InstanceApplier.isTerminal(meta.getStatus())) {
            rejection.reject("Expected a COMPLETED, FAILED or TERMINATED instance '" + meta.getInstanceId() + "' to purge, but it is "
                    + meta.getStatus());
            return;
        }
        if (purge.getRecursive()) {
            // Before the purge: the children's ids are in the history it deletes.
            stepper.purgeChildren(meta, now);
        }
        stepper.purge(meta, now);
    }
}

package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.TerminateWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a live instance (pending, running, suspended or stalled) as TERMINATED: its timers leave
 * the store, results that arrive later are dropped, one completion record is published. A
 * terminate of an ended instance changes nothing: the operator's wish already holds. A recursive
 * terminate (the default) ends the running children whose parent-close policy is TERMINATE, as
 * any end of the parent does; a non-recursive one leaves every child running.
 */
final class TerminateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TerminateHandler.class);
    private final InstanceStepper stepper;

    TerminateHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(InstanceMetadata meta, TerminateWorkflow terminate, long now) {
        if (InstanceApplier.isTerminal(meta.getStatus())) {
            LOG.info("Terminate of instance {} ignored: it is already {}", meta.getInstanceId(), meta.getStatus());
            return;
        }
        stepper.terminate(meta, terminate, now);
    }
}

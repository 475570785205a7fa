package io.gregor.client.workflow;

/**
 * A workflow: ordinary Java code that orchestrates activities, timers, events and other
 * workflows through its {@link WorkflowContext}.
 *
 * <p>Workflow code must be deterministic: given the same history it must issue the same
 * commands in the same order. Read time with {@link WorkflowContext#getCurrentInstant()}, make
 * ids with {@link WorkflowContext#newUuid()}, and do I/O only in activities. The code is
 * replayed from history after restarts; a change that alters the order of commands is reported
 * as a non-determinism error and the instance is stalled until fixed code is deployed.
 *
 * <p>A new object is created for every instance (see the registration methods of the
 * orchestrator), so fields are per-instance state.
 */
@FunctionalInterface
public interface Workflow {

    /**
     * Runs the workflow.
     *
     * @param ctx the instance's context: input, activities, timers, events
     * @return the output of the workflow (converted to JSON by default), or null
     * @throws Exception any failure; the instance ends FAILED with its details
     */
    Object run(WorkflowContext ctx) throws Exception;
}

package io.gregor.client;

/** The life-cycle states of a workflow instance. */
public enum WorkflowRuntimeStatus {
    /** Scheduled, not yet picked up by an orchestrator. */
    PENDING,
    /** Started and not finished. */
    RUNNING,
    /** Paused by an operator; inputs are kept until it is resumed. */
    SUSPENDED,
    /** Finished with an output. */
    COMPLETED,
    /** Finished with a failure. */
    FAILED,
    /** Stopped by an operator. */
    TERMINATED,
    /** Restarted with new input and a fresh history. */
    CONTINUED_AS_NEW,
    /**
     * Cannot make progress until its code is fixed: replaying the history met a non-deterministic
     * change, or the workflow is not registered on this orchestrator. Inputs are kept.
     */
    STALLED;

    /** @return true for COMPLETED, FAILED and TERMINATED: the instance will not change again */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == TERMINATED;
    }
}

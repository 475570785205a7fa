package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowContinuedAsNew;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowResumed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowSuspended;
import io.gregor.schemas.avro.WorkflowTerminated;

/**
 * The one place where history events change instance metadata, so live processing and any
 * rebuild from history agree on status, output and length.
 */
final class InstanceApplier {
    private InstanceApplier() {
    }

    static void apply(InstanceMetadata meta, HistoryEvent event) {
        meta.setHistoryLength(meta.getHistoryLength() + 1);
        meta.setUpdatedAt(event.getTimestamp());
        switch (event.getEvent()) {
            case WorkflowStarted started -> {
                // A delayed start that comes due while suspended is held: the instance stays suspended.
                if (meta.getStatus() != RuntimeStatus.SUSPENDED) {
                    meta.setStatus(RuntimeStatus.RUNNING);
                }
                meta.setInput(started.getInput());
                meta.setStartAt(null);
            }
            case WorkflowSuspended suspended -> meta.setStatus(RuntimeStatus.SUSPENDED);
            // Resumed before its delayed start came due, it waits for it again.
            case WorkflowResumed resumed -> meta.setStatus(meta.getStartAt() != null ? RuntimeStatus.PENDING : RuntimeStatus.RUNNING);
            case WorkflowCompleted completed -> {
                meta.setStatus(RuntimeStatus.COMPLETED);
                meta.setOutput(completed.getOutput());
            }
            case WorkflowFailed failed -> {
                meta.setStatus(RuntimeStatus.FAILED);
                meta.setFailure(failed.getFailure());
            }
            case WorkflowTerminated terminated -> {
                meta.setStatus(RuntimeStatus.TERMINATED);
                meta.setOutput(terminated.getOutput());
            }
            case WorkflowContinuedAsNew continued -> {
                // Transient: the next generation's WorkflowStarted, in the same step, makes it RUNNING again.
                meta.setStatus(RuntimeStatus.CONTINUED_AS_NEW);
                meta.setInput(continued.getInput());
                // The next generation's history starts afresh under the same id.
                meta.setHistoryLength(0);
                meta.setGeneration(meta.getGeneration() + 1);
            }
            default -> {
                // other events change only length and time
            }
        }
    }

    static boolean isTerminal(RuntimeStatus status) {
        return status == RuntimeStatus.COMPLETED || status == RuntimeStatus.FAILED || status == RuntimeStatus.TERMINATED;
    }
}

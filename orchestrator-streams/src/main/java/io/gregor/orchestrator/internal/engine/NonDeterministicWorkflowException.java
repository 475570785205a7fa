package io.gregor.orchestrator.internal.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * The workflow code, replayed against its history, issued a different command than the one
 * recorded. The instance is stalled (not changed) until code that matches its history is
 * deployed. The message names the instance, its workflow, the sequence id and both commands, and
 * the changes ({@code isPatched}) the code asked about in this run, since a guard that is
 * missing or answers differently is the usual cause.
 */
public final class NonDeterministicWorkflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Where replay diverged.
     *
     * @param instanceId   the instance
     * @param workflowName its workflow
     * @param patches      what isPatched answered in this run, by change id
     */
    record Where(String instanceId, String workflowName, Map<String, Boolean> patches) {
        @Override
        public String toString() {
            return "instance " + instanceId + " of workflow " + workflowName;
        }

        String advice() {
            if (patches.isEmpty()) {
                return ". If the code changed on purpose, guard the change with ctx.isPatched(changeId) so that instances"
                        + " already past it replay the old code";
            }
            return ". The code asked isPatched of " + new TreeMap<>(patches) + " (true: new code; false: the instance ran"
                    + " the old code there)";
        }
    }

    private NonDeterministicWorkflowException(String message) {
        super(message);
    }

    static NonDeterministicWorkflowException mismatch(Where where, int sequenceId, String recorded, String issued) {
        return new NonDeterministicWorkflowException("Non-deterministic workflow (" + where + "): at sequence id " + sequenceId
                + " expected " + recorded + " (from history), but the code issued " + issued + where.advice());
    }

    static NonDeterministicWorkflowException missing(Where where, int sequenceId, String recorded) {
        return new NonDeterministicWorkflowException("Non-deterministic workflow (" + where + "): at sequence id " + sequenceId
                + " expected " + recorded + " (from history), but the code issued no command with that id" + where.advice());
    }

    static NonDeterministicWorkflowException unexpected(Where where, String what) {
        return new NonDeterministicWorkflowException("Non-deterministic workflow (" + where + "): " + what + where.advice());
    }
}

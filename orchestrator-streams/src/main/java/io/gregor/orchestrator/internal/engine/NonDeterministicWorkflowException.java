package io.gregor.orchestrator.internal.engine;

/**
 * The workflow code, replayed against its history, issued a different command than the one
 * recorded. The instance is stalled (not changed) until code that matches its history is
 * deployed.
 */
public final class NonDeterministicWorkflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NonDeterministicWorkflowException(String message) {
        super(message);
    }

    static NonDeterministicWorkflowException mismatch(String instanceId, int sequenceId, String recorded, String issued) {
        return new NonDeterministicWorkflowException("Non-deterministic workflow (instance " + instanceId + "): at sequence id "
                + sequenceId + " expected " + recorded + " (from history), but the code issued " + issued);
    }

    static NonDeterministicWorkflowException missing(String instanceId, int sequenceId, String recorded) {
        return new NonDeterministicWorkflowException("Non-deterministic workflow (instance " + instanceId + "): at sequence id "
                + sequenceId + " expected " + recorded + " (from history), but the code issued no command with that id");
    }
}

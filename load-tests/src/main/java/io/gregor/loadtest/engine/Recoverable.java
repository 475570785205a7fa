package io.gregor.loadtest.engine;

/**
 * An {@link Engine} whose orchestrator the {@code recover} scenario can kill and replace: it runs
 * in a process of its own, so the kill is a real SIGKILL (no shutdown hook, no last commit), and
 * the replacement starts on the same local state and topics, as a restarted pod would.
 */
public interface Recoverable {

    /**
     * SIGKILLs the orchestrator's process and returns once it is gone.
     *
     * @throws Exception if it cannot be killed
     */
    void killOrchestrator() throws Exception;

    /**
     * Starts a new orchestrator on the killed one's state directory and topics, and returns once
     * it is RUNNING.
     *
     * @throws Exception if it does not start or does not reach RUNNING in time
     */
    void restartOrchestrator() throws Exception;

    /**
     * Counts the records of the engine's completion log whose key starts with {@code idPrefix},
     * as a downstream consumer sees them (committed only), every record, duplicates included.
     *
     * @param idPrefix what the run's instance ids start with
     * @return the raw record count and the number of distinct instances among them
     * @throws Exception if the log cannot be read to its end
     */
    CompletionRecords countCompletionRecords(String idPrefix) throws Exception;

    /**
     * What the completion log holds for a run.
     *
     * @param records   every committed record of the run's instances
     * @param instances distinct instance ids among them
     */
    record CompletionRecords(long records, long instances) {
        /** @return records beyond one per instance */
        public long duplicates() {
            return records - instances;
        }
    }
}

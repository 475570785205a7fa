package io.gregor.loadtest.engine;

/**
 * Receives the ending of each instance an {@link Engine} started. Thread-safe: engines call it
 * from their own threads (a consumer thread, gRPC callbacks).
 */
public interface CompletionObserver {

    /**
     * Lets an engine skip decoding what is not the run's: a shared topic may carry other
     * instances' endings.
     *
     * @param instanceId an instance id
     * @return true if the run still waits for that instance
     */
    boolean awaits(String instanceId);

    /**
     * An instance ended. Ignored for ids the run does not await (or no longer does).
     *
     * @param instanceId      the instance
     * @param succeeded       true if it completed; false if it failed, was terminated or cannot be read
     * @param completionNanos {@link System#nanoTime()} when the driver learned of it
     */
    void completed(String instanceId, boolean succeeded, long completionNanos);

    /**
     * The engine can no longer observe endings (its reader died): callers waiting for an
     * instance stop waiting instead of sitting out their timeout.
     *
     * @param cause why
     */
    void observationFailed(Throwable cause);
}

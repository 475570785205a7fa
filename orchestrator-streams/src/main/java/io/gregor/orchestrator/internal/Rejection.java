package io.gregor.orchestrator.internal;

/** Rejects the record being processed: it goes to the dead-letter topic with the reason. */
@FunctionalInterface
interface Rejection {
    void reject(String reason);
}

package io.gregor.client;

/**
 * Thrown by {@link WorkflowClient} when Kafka or the schema registry cannot do what was asked:
 * a write was not acknowledged, or the status view could not be read. Invalid arguments are
 * reported with {@link IllegalArgumentException} instead, before anything is sent.
 */
public class WorkflowClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was expected and what was found, with the ids involved
     * @param cause   the underlying error, or null
     */
    public WorkflowClientException(String message, Throwable cause) {
        super(message, cause);
    }
}

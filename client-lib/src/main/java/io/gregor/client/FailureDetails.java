package io.gregor.client;

import java.util.Objects;

/**
 * Why an activity, a child or a workflow failed: the error's type (a class name for Java code),
 * its message and, when known, its stack trace.
 *
 * @param errorType    the fully qualified class name of the error, e.g. {@code java.lang.IllegalStateException}
 * @param errorMessage the error's message, never null
 * @param stackTrace   the stack trace as text, or null
 * @param nonRetriable true when retrying cannot help (for example the activity is not registered)
 */
public record FailureDetails(String errorType, String errorMessage, String stackTrace, boolean nonRetriable) {

    /** Validates the required parts. */
    public FailureDetails {
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(errorMessage, "errorMessage");
    }

    /**
     * Whether the failure was caused by the given exception type or one of its subclasses, as far
     * as it can be told from this JVM: the recorded type is loaded by name and compared.
     *
     * @param type the exception type to compare with
     * @return true if {@link #errorType()} names {@code type} or a subclass of it
     */
    public boolean isCausedBy(Class<? extends Throwable> type) {
        if (type.getName().equals(errorType)) {
            return true;
        }
        try {
            return type.isAssignableFrom(Class.forName(errorType, false, type.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @return {@code "<errorType>: <errorMessage>"} */
    @Override
    public String toString() {
        return errorType + ": " + errorMessage;
    }
}

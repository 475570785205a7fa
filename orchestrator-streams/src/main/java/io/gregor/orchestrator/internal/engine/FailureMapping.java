package io.gregor.orchestrator.internal.engine;

import io.gregor.client.FailureDetails;

/** Converts failures between the public API type and the Avro record. */
public final class FailureMapping {
    private FailureMapping() {
    }

    /** @param avro the recorded failure @return the public view */
    public static FailureDetails toPublic(io.gregor.schemas.avro.FailureDetails avro) {
        return new FailureDetails(avro.getErrorType(), avro.getMessage(), avro.getStackTrace(), avro.getNonRetriable());
    }

    /** @param failure the public failure @return the Avro record */
    public static io.gregor.schemas.avro.FailureDetails toAvro(FailureDetails failure) {
        return new io.gregor.schemas.avro.FailureDetails(failure.errorType(), failure.errorMessage(), failure.stackTrace(),
                failure.nonRetriable());
    }

    /** @param type error type @param message its message @return a failure without stack trace */
    public static io.gregor.schemas.avro.FailureDetails of(String type, String message) {
        return new io.gregor.schemas.avro.FailureDetails(type, message, null, false);
    }
}

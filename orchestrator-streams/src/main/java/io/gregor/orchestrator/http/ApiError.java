package io.gregor.orchestrator.http;

/**
 * A request the API answers with an error status and a message saying what was expected and what
 * was found; thrown by the handlers, turned into {@code {"status": .., "message": ..}} in one place.
 */
final class ApiError extends RuntimeException {

    private final int status;

    private ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    static ApiError conflict(String message) {
        return new ApiError(409, message);
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, message);
    }

    static ApiError badGateway(String message) {
        return new ApiError(502, message);
    }

    int status() {
        return status;
    }
}

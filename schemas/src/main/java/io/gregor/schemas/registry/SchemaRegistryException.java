package io.gregor.schemas.registry;

/**
 * A schema registry refused a request or could not be reached. The message says what was
 * requested, what was expected and what was found.
 *
 * <p>{@link #isTransient()} tells an outage (no answer, a timeout, HTTP 5xx, 408 or 429: worth
 * retrying later, the same request may well succeed) from a refusal (any other 4xx, an answer
 * that cannot be read, an untrusted certificate: retrying the same request cannot help).
 */
public class SchemaRegistryException extends RuntimeException {

  /** {@link #httpStatus()} and {@link #errorCode()} when there is none (no response). */
  public static final int NONE = -1;

  /** Confluent's error code for an unknown schema id or a schema not under a subject. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent's error code for an unknown subject. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent's error code for an unknown version of a subject. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent's error code for a subject without a compatibility level of its own. */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** Confluent's error code (and HTTP status) for a schema the subject's compatibility level refuses. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  private static final long serialVersionUID = 1L;

  /** The HTTP status of the response, or {@link #NONE}. */
  private final int httpStatus;
  /** The Confluent error code of the response, or {@link #NONE}. */
  private final int errorCode;
  private final boolean transientFailure;

  /**
   * Creates an exception for a response the registry gave.
   *
   * @param message what was requested, expected and found
   * @param httpStatus the HTTP status of the response, or {@link #NONE}
   * @param errorCode the Confluent {@code error_code} of the response, or {@link #NONE}
   */
  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.transientFailure = httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
  }

  /**
   * Creates an exception for a request that got no response; transient.
   *
   * @param message what was requested, expected and found
   * @param cause why
   */
  public SchemaRegistryException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /**
   * Creates an exception for a request that got no response.
   *
   * @param message what was requested, expected and found
   * @param cause why
   * @param transientFailure whether the same request may succeed later (false for an untrusted
   *     certificate, say)
   */
  public SchemaRegistryException(String message, Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.httpStatus = NONE;
    this.errorCode = NONE;
    this.transientFailure = transientFailure;
  }

  /**
   * Whether the registry was unreachable or failing rather than refusing: retrying the same
   * request later may succeed, and the record being read or written is not to blame.
   *
   * @return true for no response, a timeout, HTTP 5xx, 408 or 429
   */
  public boolean isTransient() {
    return transientFailure;
  }

  /**
   * Whether some cause of {@code error} is a transient registry failure.
   *
   * @param error any failure
   * @return true if a {@link SchemaRegistryException} in its cause chain {@linkplain
   *     #isTransient() is transient}
   */
  public static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SchemaRegistryException registry) {
        return registry.isTransient();
      }
    }
    return false;
  }

  /**
   * The HTTP status of the registry's response.
   *
   * @return the status, or {@link #NONE} when there was no response
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The Confluent {@code error_code} of the registry's response (e.g. 40403 for an unknown
   * schema, 409 for an incompatible one).
   *
   * @return the code, or {@link #NONE} when the response had none
   */
  public int errorCode() {
    return errorCode;
  }
}

package io.gregor.schemas.registry;

/**
 * A schema registry refused a request or could not be reached. The message says what was
 * requested, what was expected and what was found.
 */
public class SchemaRegistryException extends RuntimeException {

  /** {@link #httpStatus()} and {@link #errorCode()} when there is none (no response). */
  public static final int NONE = -1;

  /** Confluent's error code for an unknown schema id or a schema not under a subject. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent's error code for an unknown subject. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  private static final long serialVersionUID = 1L;

  /** The HTTP status of the response, or {@link #NONE}. */
  private final int httpStatus;
  /** The Confluent error code of the response, or {@link #NONE}. */
  private final int errorCode;

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
  }

  /**
   * Creates an exception for a request that got no usable response.
   *
   * @param message what was requested, expected and found
   * @param cause why
   */
  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = NONE;
    this.errorCode = NONE;
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

package io.gregor.schemas.payload;

/**
 * A value cannot be encoded into a payload, or a payload cannot be decoded into the requested
 * type. Retrying cannot help: the value or the payload itself is the problem.
 */
public class DataConversionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was expected and what was found
   */
  public DataConversionException(String message) {
    super(message);
  }

  /**
   * Creates an exception with its cause.
   *
   * @param message what was expected and what was found
   * @param cause the Jackson or Avro failure behind it
   */
  public DataConversionException(String message, Throwable cause) {
    super(message, cause);
  }
}

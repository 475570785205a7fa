package io.gregor.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record is not in the expected wire format, names a schema id the registry does not know, or
 * its Avro body cannot be read as the expected type. Retrying cannot help: the record itself is
 * bad, so callers dead-letter it. (A registry that cannot be reached gives a
 * {@link io.gregor.schemas.registry.SchemaRegistryException} instead, which is worth retrying.)
 *
 * <p>Messages say what was expected and what was found, e.g. "Expected magic byte 0 (Confluent
 * wire format) at offset 0, but found 0x7b in a 57-byte record on topic gregor.workflow-starts".
 */
public class WireFormatException extends SerializationException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was expected and what was found
   */
  public WireFormatException(String message) {
    super(message);
  }

  /**
   * Creates an exception with its cause.
   *
   * @param message what was expected and what was found
   * @param cause the Avro or registry failure behind it
   */
  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

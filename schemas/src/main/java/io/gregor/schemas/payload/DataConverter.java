package io.gregor.schemas.payload;

import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.registry.SchemaRegistryClient;

/**
 * Converts user values (workflow and activity inputs and outputs, event data) to and from
 * {@link Payload}: bytes plus the name of their encoding. Implementations are thread-safe.
 */
public interface DataConverter {

  /**
   * Encodes a value.
   *
   * @param value any value the converter supports; a {@link Payload} passes through unchanged
   * @return the payload, or null for null
   * @throws DataConversionException if the value cannot be encoded
   */
  Payload serialize(Object value);

  /**
   * Decodes a payload.
   *
   * @param payload the payload, or null
   * @param type the class to decode into; {@code Void} always gives null
   * @param <T> the type to decode into
   * @return the value, or null for a null payload
   * @throws DataConversionException if the payload's encoding is unknown or its bytes cannot be
   *     read as {@code type}
   */
  <T> T deserialize(Payload payload, Class<T> type);

  /**
   * The converter used when none is configured: JSON by default, Avro for generated classes.
   *
   * @return the shared {@link DefaultDataConverter}
   */
  static DataConverter defaultConverter() {
    return DefaultDataConverter.INSTANCE;
  }

  /**
   * A converter that writes Avro records in the Confluent wire format with their schema
   * registered under the record's full name (encoding {@value
   * RegistryAvroDataConverter#AVRO_CONFLUENT}), so stock Confluent deserializers decode them;
   * other values go JSON, and all three encodings are read.
   *
   * @param registry where schemas are registered and looked up; the caller closes it
   * @return a new {@link RegistryAvroDataConverter}
   */
  static DataConverter avroWithRegistry(SchemaRegistryClient registry) {
    return new RegistryAvroDataConverter(registry);
  }
}

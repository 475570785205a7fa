package io.gregor.schemas.payload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.gregor.schemas.avro.Payload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The default {@link DataConverter}.
 *
 * <ul>
 *   <li>Generated Avro classes ({@link SpecificRecord}) use encoding {@value #AVRO}: Avro
 *       single-object encoding, the bytes of {@code record.toByteBuffer()}, read back with the
 *       class's decoder.
 *   <li>{@link Payload} values pass through unchanged.
 *   <li>Everything else uses encoding {@value #JSON}: Jackson, with {@code java.time} support
 *       (ISO-8601 strings), records, and unknown properties ignored so that a reader with fewer
 *       fields still reads what a newer writer wrote.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class DefaultDataConverter implements DataConverter {

  /** The encoding of JSON payloads. */
  public static final String JSON = "json";
  /** The encoding of Avro single-object-encoded payloads. */
  public static final String AVRO = "avro";

  static final DefaultDataConverter INSTANCE = new DefaultDataConverter();

  private final ObjectMapper mapper;
  // Building either computes the schema's fingerprint, which is worth doing once per class.
  private final ConcurrentMap<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<Class<?>, BinaryMessageDecoder<?>> decoders =
      new ConcurrentHashMap<>();

  /** Creates a converter with {@link #defaultObjectMapper()}. */
  public DefaultDataConverter() {
    this(defaultObjectMapper());
  }

  /**
   * Creates a converter with a JSON mapper of the caller's (e.g. with more modules).
   *
   * @param mapper the mapper for JSON payloads; must not be reconfigured while in use
   */
  public DefaultDataConverter(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * A new mapper configured as this converter's default: {@code java.time} types as ISO-8601
   * strings, unknown properties ignored.
   *
   * @return a new mapper, free to be customised further
   */
  public static ObjectMapper defaultObjectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  @Override
  public Payload serialize(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Payload payload) {
      return payload;
    }
    if (value instanceof SpecificRecord record) {
      return new Payload(AVRO, writeAvro(record));
    }
    if (value instanceof GenericContainer generic) {
      // Jackson would write the schema object itself; say what is supported instead.
      throw new DataConversionException(
          "Expected a generated Avro class to write as Avro, but found a generic "
              + generic.getSchema().getFullName());
    }
    try {
      return new Payload(JSON, ByteBuffer.wrap(mapper.writeValueAsBytes(value)));
    } catch (JsonProcessingException e) {
      throw new DataConversionException(
          "Cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T deserialize(Payload payload, Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (payload == null || type == Void.class || type == void.class) {
      return null;
    }
    if (type == Payload.class) {
      return type.cast(payload);
    }
    String encoding = payload.getEncoding();
    if (JSON.equals(encoding)) {
      return readJson(payload.getData(), type);
    }
    if (AVRO.equals(encoding)) {
      return readAvro(payload.getData(), type);
    }
    throw new DataConversionException(
        "Expected payload encoding 'json' or 'avro', but found '" + encoding + "'");
  }

  private ByteBuffer writeAvro(SpecificRecord record) {
    BinaryMessageEncoder<SpecificRecord> encoder = encoders.computeIfAbsent(
        record.getClass(),
        c -> new BinaryMessageEncoder<>(SpecificData.getForClass(c), record.getSchema()));
    try {
      return encoder.encode(record);
    } catch (IOException | RuntimeException e) {
      throw new DataConversionException(
          "Cannot write " + record.getClass().getName() + " as Avro: " + e.getMessage(), e);
    }
  }

  private <T> T readJson(ByteBuffer data, Class<T> type) {
    ByteBuffer bytes = data.duplicate();
    try {
      if (bytes.hasArray()) {
        return mapper.readValue(
            bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), type);
      }
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      return mapper.readValue(copy, type);
    } catch (JsonProcessingException e) {
      throw cannotRead(type, e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw cannotRead(type, e.getMessage(), e);
    }
  }

  private <T> T readAvro(ByteBuffer data, Class<T> type) {
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      throw new DataConversionException(
          "Expected a generated Avro class to read an 'avro' payload into, but found "
              + type.getName());
    }
    BinaryMessageDecoder<?> decoder =
        decoders.computeIfAbsent(type, DefaultDataConverter::decoderFor);
    try {
      // decode() consumes the buffer it is given; the payload must stay readable.
      return type.cast(decoder.decode(data.duplicate()));
    } catch (IOException | AvroRuntimeException e) {
      throw cannotRead(type, e.getMessage(), e);
    }
  }

  private static BinaryMessageDecoder<?> decoderFor(Class<?> type) {
    SpecificData model = SpecificData.getForClass(type);
    try {
      return new BinaryMessageDecoder<>(model, model.getSchema(type));
    } catch (AvroRuntimeException e) {
      throw new DataConversionException(
          "Expected a generated Avro class with a SCHEMA$ field, but found " + type.getName(), e);
    }
  }

  private static DataConversionException cannotRead(Class<?> type, String why, Throwable cause) {
    return new DataConversionException(
        "Cannot read payload as " + type.getName() + ": " + why, cause);
  }
}

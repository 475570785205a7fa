package io.gregor.schemas.payload;

import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import io.gregor.schemas.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A {@link DataConverter} that writes Avro records with their schema registered in the schema
 * registry, so that any consumer with a stock Confluent Avro deserializer (any language) can
 * decode a payload's {@code data} alone.
 *
 * <ul>
 *   <li>Generated Avro classes ({@link SpecificRecord}) and generic records use encoding
 *       {@value #AVRO_CONFLUENT}: the Confluent wire format (magic byte 0, the 4-byte big-endian
 *       schema id, the Avro binary body). The schema is registered on first use under the
 *       subject named by the record's full name (Confluent's RecordNameStrategy), since a payload
 *       has no topic of its own and one type travels through several topics.
 *   <li>Everything else, and payloads of encoding {@code json} or {@code avro}, goes to the
 *       fallback converter ({@link DataConverter#defaultConverter()} unless given), so histories
 *       written before switching keep being read.
 * </ul>
 *
 * <p>Reading an {@value #AVRO_CONFLUENT} payload fetches the writer schema by id (cached) and
 * resolves it against the schema of the requested generated class (Avro schema evolution), or
 * reads a {@link org.apache.avro.generic.GenericRecord} with the writer schema when asked for
 * {@code GenericRecord}, {@code IndexedRecord} or {@code Object}.
 *
 * <p>Errors: a value or payload that cannot be converted gives a {@link DataConversionException};
 * a registry that cannot be reached gives the transient {@link SchemaRegistryException}, which is
 * worth retrying. Thread-safe; the registry client is not closed by this converter.
 */
public final class RegistryAvroDataConverter implements DataConverter {

  /** The encoding of Avro payloads in the Confluent wire format. */
  public static final String AVRO_CONFLUENT = "avro-confluent";

  private final SchemaRegistryClient registry;
  private final DataConverter fallback;
  private final ConcurrentMap<WriterKey, Writer> writers = new ConcurrentHashMap<>();
  private final ConcurrentMap<ReaderKey, DatumReader<?>> readers = new ConcurrentHashMap<>();

  private record WriterKey(Class<?> type, Schema schema) {}

  private record Writer(int id, DatumWriter<Object> datumWriter) {}

  private record ReaderKey(int id, Class<?> type) {}

  /**
   * Creates a converter with the default converter for values that are not Avro records.
   *
   * @param registry where schemas are registered and looked up; not closed by this converter
   */
  public RegistryAvroDataConverter(SchemaRegistryClient registry) {
    this(registry, DataConverter.defaultConverter());
  }

  /**
   * Creates a converter.
   *
   * @param registry where schemas are registered and looked up; not closed by this converter
   * @param fallback converts values that are not Avro records, and reads payloads of other
   *     encodings
   */
  public RegistryAvroDataConverter(SchemaRegistryClient registry, DataConverter fallback) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  /**
   * The subject a record schema is registered under: its full name (RecordNameStrategy).
   *
   * @param schema a record schema
   * @return e.g. {@code com.acme.Order}
   */
  public static String subjectOf(Schema schema) {
    return schema.getFullName();
  }

  @Override
  public Payload serialize(Object value) {
    if (value instanceof Payload || !(value instanceof GenericContainer record)) {
      return fallback.serialize(value);
    }
    Schema schema = record.getSchema();
    if (schema.getType() != Schema.Type.RECORD) {
      throw new DataConversionException(
          "Expected an Avro record to write as '" + AVRO_CONFLUENT + "', but found a "
              + schema.getType() + " " + schema.getFullName());
    }
    Writer writer = writerFor(value.getClass(), schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(AvroSerde.MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(writer.id()).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.datumWriter().write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new DataConversionException(
          "Expected a complete " + schema.getFullName() + " to write as '" + AVRO_CONFLUENT
              + "', but Avro failed: " + e.getMessage(), e);
    }
    return new Payload(AVRO_CONFLUENT, ByteBuffer.wrap(out.toByteArray()));
  }

  @Override
  public <T> T deserialize(Payload payload, Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (payload == null || !AVRO_CONFLUENT.equals(payload.getEncoding())
        || type == Void.class || type == void.class || type == Payload.class) {
      return fallback.deserialize(payload, type);
    }
    ByteBuffer data = payload.getData().duplicate();
    int size = data.remaining();
    if (size > 0 && data.get(data.position()) != AvroSerde.MAGIC_BYTE) {
      throw new DataConversionException(String.format(
          "Expected an '%s' payload to start with magic byte 0, but found 0x%02x in %d bytes",
          AVRO_CONFLUENT, data.get(data.position()) & 0xff, size));
    }
    if (size < AvroSerde.HEADER_SIZE) {
      throw new DataConversionException("Expected an '" + AVRO_CONFLUENT
          + "' payload of at least 5 bytes (magic byte + schema id), but found " + size);
    }
    int id = data.getInt(data.position() + 1);
    DatumReader<?> reader = readerFor(id, type);
    byte[] bytes;
    int offset;
    if (data.hasArray()) {
      bytes = data.array();
      offset = data.arrayOffset() + data.position();
    } else {
      bytes = new byte[size];
      data.get(data.position(), bytes);
      offset = 0;
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
        bytes, offset + AvroSerde.HEADER_SIZE, size - AvroSerde.HEADER_SIZE, null);
    try {
      Object value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new DataConversionException("Expected the Avro body of schema id " + id
            + " to end with the record, but found " + decoder.inputStream().available()
            + " more bytes in a " + size + "-byte payload");
      }
      return type.cast(value);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataConversionException conversion) {
        throw conversion;
      }
      throw new DataConversionException("Expected an '" + AVRO_CONFLUENT + "' payload readable as "
          + type.getName() + ", but schema id " + id + " failed: " + e.getMessage(), e);
    }
  }

  private Writer writerFor(Class<?> type, Schema schema) {
    WriterKey key = new WriterKey(type, schema);
    Writer writer = writers.get(key);
    if (writer == null) {
      // Registering outside computeIfAbsent keeps a slow registry from blocking other types.
      writer = new Writer(register(schema), datumWriter(type, schema));
      writers.putIfAbsent(key, writer);
    }
    return writer;
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> datumWriter(Class<?> type, Schema schema) {
    // A generated class's own SpecificData carries its logical-type conversions.
    return SpecificRecord.class.isAssignableFrom(type)
        ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(type))
        : (DatumWriter<Object>) (DatumWriter<?>) new GenericDatumWriter<>(schema);
  }

  private int register(Schema schema) {
    String subject = subjectOf(schema);
    try {
      return registry.register(subject, schema);
    } catch (SchemaRegistryException e) {
      if (e.isTransient()) {
        throw e;
      }
      throw new DataConversionException("Expected the schema registry to accept the schema of "
          + schema.getFullName() + " under subject " + subject + ", but: " + e.getMessage(), e);
    }
  }

  private DatumReader<?> readerFor(int id, Class<?> type) {
    ReaderKey key = new ReaderKey(id, type);
    DatumReader<?> reader = readers.get(key);
    if (reader == null) {
      reader = newReader(writerSchema(id), type);
      readers.putIfAbsent(key, reader);
    }
    return reader;
  }

  private static DatumReader<?> newReader(Schema writerSchema, Class<?> type) {
    if (SpecificRecord.class.isAssignableFrom(type)) {
      SpecificData model = SpecificData.getForClass(type);
      try {
        return new SpecificDatumReader<>(writerSchema, model.getSchema(type), model);
      } catch (AvroRuntimeException e) {
        throw new DataConversionException(
            "Expected a generated Avro class with a SCHEMA$ field, but found " + type.getName(), e);
      }
    }
    if (type.isAssignableFrom(GenericData.Record.class)) {
      return new GenericDatumReader<>(writerSchema);
    }
    throw new DataConversionException("Expected a generated Avro class or GenericRecord to read an '"
        + AVRO_CONFLUENT + "' payload of " + writerSchema.getFullName() + " into, but found "
        + type.getName());
  }

  private Schema writerSchema(int id) {
    try {
      return registry.getById(id);
    } catch (SchemaRegistryException e) {
      if (e.isTransient()) {
        throw e;
      }
      throw new DataConversionException(
          "Expected a schema id known to the schema registry, but found id " + id + ": "
              + e.getMessage(), e);
    }
  }
}

package io.gregor.schemas.serde;

import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
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
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro specific records in the Confluent wire format: byte 0 = magic 0, bytes
 * 1-4 = schema id (big-endian), then the Avro binary body. This is what Confluent's
 * {@code KafkaAvroSerializer} writes, so stock tooling in any language reads and writes Gregor's
 * topics.
 *
 * <p>The subject is {@code <topic>-value} ({@code <topic>-key} once configured as a key serde),
 * Confluent's TopicNameStrategy. The writer schema (the schema of {@code T}) is registered on
 * first use per topic, then cached. Deserialization resolves the writer schema by the record's id
 * (cached) against the schema of {@code T}, so records written with older or newer compatible
 * schemas are read.
 *
 * <p>Thread-safe. Closing it does not close the registry client, which may be shared.
 *
 * @param <T> the generated Avro class
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  /** The first byte of every record in the Confluent wire format. */
  public static final byte MAGIC_BYTE = 0;
  /** The magic byte plus the 4-byte schema id. */
  public static final int HEADER_SIZE = 5;

  private final SchemaRegistryClient registry;
  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final DatumWriter<T> writer;
  private final ConcurrentMap<String, Integer> idsByTopic = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();
  private volatile String subjectSuffix = "-value";

  /**
   * Creates a serde for one generated Avro class.
   *
   * @param registry where writer schemas are registered and looked up; not closed by this serde
   * @param type the generated class, e.g. {@code StartWorkflow.class}
   * @throws IllegalArgumentException if the class is not a generated Avro class
   */
  public AvroSerde(SchemaRegistryClient registry, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.type = Objects.requireNonNull(type, "type");
    // The class's own SpecificData carries its logical-type conversions (timestamps as Instant).
    this.model = SpecificData.getForClass(type);
    this.schema = schemaOf(model, type);
    this.writer = new SpecificDatumWriter<>(schema, model);
  }

  /**
   * The class this serde reads and writes.
   *
   * @return the generated Avro class
   */
  public Class<T> type() {
    return type;
  }

  /**
   * The schema this serde writes with and reads into.
   *
   * @return the schema of {@link #type()}
   */
  public Schema schema() {
    return schema;
  }

  /**
   * Switches the subject between {@code <topic>-key} and {@code <topic>-value}.
   *
   * @param configs ignored; the registry client is given to the constructor
   * @param isKey whether this serde handles record keys
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    subjectSuffix = isKey ? "-key" : "-value";
    idsByTopic.clear();
  }

  /**
   * Writes a record in the Confluent wire format, registering its schema on first use.
   *
   * @param topic the topic the record goes to; names the subject
   * @param value the record, or null for a tombstone
   * @return the bytes, or null for null
   * @throws SerializationException if the record is incomplete (e.g. a required field is null)
   * @throws io.gregor.schemas.registry.SchemaRegistryException if the schema cannot be registered
   */
  @Override
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    int id = schemaId(topic);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Expected a complete " + type.getName() + " to write to topic " + topic
              + ", but Avro failed: " + messageOf(e),
          e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a record in the Confluent wire format.
   *
   * @param topic the topic the record came from, for messages
   * @param data the bytes, or null
   * @return the record, or null for null
   * @throws WireFormatException if the bytes are not in the wire format, name an unknown schema
   *     id, or cannot be read as {@code T}
   * @throws io.gregor.schemas.registry.SchemaRegistryException if the registry cannot be reached
   */
  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > 0 && data[0] != MAGIC_BYTE) {
      throw new WireFormatException(String.format(
          "Expected magic byte 0 (Confluent wire format) at offset 0, but found 0x%02x in a"
              + " %d-byte record on topic %s",
          data[0] & 0xff, data.length, topic));
    }
    if (data.length < HEADER_SIZE) {
      throw new WireFormatException(
          "Expected at least 5 bytes (magic byte + schema id), but found " + data.length
              + " on topic " + topic);
    }
    int id = ByteBuffer.wrap(data, 1, Integer.BYTES).getInt();
    DatumReader<T> reader = readerFor(id, topic, data.length);
    try {
      BinaryDecoder decoder =
          DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null);
      T value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        // Bytes left over mean the writer schema did not describe this body: a wrong schema id
        // can otherwise decode into a plausible but wrong record.
        throw new WireFormatException(
            "Expected the Avro body of schema id " + id + " to end with the record, but found "
                + decoder.inputStream().available() + " more bytes in a " + data.length
                + "-byte record on topic " + topic);
      }
      return value;
    } catch (WireFormatException e) {
      throw e;
    } catch (EOFException e) {
      throw new WireFormatException(
          "Expected a record readable as " + type.getName() + ", but schema id " + id
              + " on topic " + topic + " failed: the " + data.length
              + "-byte record ends before the Avro body does",
          e);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(
          "Expected a record readable as " + type.getName() + ", but schema id " + id
              + " on topic " + topic + " failed: " + messageOf(e),
          e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  /** Does nothing: the registry client belongs to whoever created it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "AvroSerde[" + type.getName() + "]";
  }

  private int schemaId(String topic) {
    if (topic == null) {
      throw new SerializationException(
          "Expected a topic to derive the schema subject from, but found null while writing "
              + type.getName());
    }
    Integer id = idsByTopic.get(topic);
    if (id == null) {
      // Registering outside computeIfAbsent keeps a slow registry from blocking other topics.
      id = registry.register(topic + subjectSuffix, schema);
      idsByTopic.putIfAbsent(topic, id);
    }
    return id;
  }

  private DatumReader<T> readerFor(int id, String topic, int recordSize) {
    DatumReader<T> reader = readersById.get(id);
    if (reader == null) {
      reader = new SpecificDatumReader<>(writerSchema(id, topic, recordSize), schema, model);
      readersById.putIfAbsent(id, reader);
    }
    return reader;
  }

  private Schema writerSchema(int id, String topic, int recordSize) {
    try {
      return registry.getById(id);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        throw new WireFormatException(
            "Expected a schema id known to the schema registry, but found unknown id " + id
                + " in a " + recordSize + "-byte record on topic " + topic,
            e);
      }
      if (e.httpStatus() == 200) {
        // The registry answered, but with nothing Avro can read: the record is the problem.
        throw new WireFormatException(
            "Expected an Avro writer schema for id " + id + " on topic " + topic
                + ", but found: " + e.getMessage(),
            e);
      }
      throw e;
    }
  }

  private static <T> Schema schemaOf(SpecificData model, Class<T> type) {
    try {
      return model.getSchema(type);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException(
          "Expected a generated Avro class with a SCHEMA$ field, but found " + type.getName(), e);
    }
  }

  private static String messageOf(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
  }
}

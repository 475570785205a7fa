package io.gregor.orchestrator.it.support.confluent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.flink.avro.shaded.org.apache.avro.Schema;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.io.BinaryEncoder;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;

/**
 * Writes and reads the Confluent wire format with software nobody on this project wrote:
 * Confluent's schema-registry client ({@code CachedSchemaRegistryClient} 7.5.3), Flink's
 * Confluent wire-format coder ({@code ConfluentSchemaRegistryCoder}) and Apache Avro 1.11.4, all
 * as relocated inside {@code org.apache.flink:flink-sql-avro-confluent-registry}.
 *
 * <p>That jar also bundles Guava, Snappy and zstd unrelocated, so it stays off the tests' class
 * path: this class is loaded by {@link ConfluentSerdes} in a class loader of its own, and speaks to
 * the tests in JDK types only.
 */
public final class ConfluentOracle implements AutoCloseable {
    private final CachedSchemaRegistryClient registry;

    /** @param registryUrl the Confluent-compatible API's base URL */
    public ConfluentOracle(String registryUrl) {
        this.registry = new CachedSchemaRegistryClient(registryUrl, 100);
    }

    /**
     * @param subject    the subject to register the schema under (TopicNameStrategy: {@code <topic>-value})
     * @param schemaJson the writer schema
     * @param recordJson the record in Avro's JSON encoding
     * @return magic byte, schema id and Avro body, as Confluent's serializer writes them
     */
    public byte[] serialize(String subject, String schemaJson, String recordJson) throws IOException {
        Schema schema = new Schema.Parser().parse(schemaJson);
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().jsonDecoder(schema, recordJson));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConfluentSchemaRegistryCoder(subject, registry).writeSchema(schema, out);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * @param bytes a value in the Confluent wire format
     * @return the record read with its writer schema (fetched by id): records as maps, enums and
     *         strings as strings, bytes as UTF-8 text
     */
    public Map<String, Object> deserialize(byte[] bytes) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        Schema writer = new ConfluentSchemaRegistryCoder(registry).readSchema(in);
        GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null,
                DecoderFactory.get().binaryDecoder(in, null));
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) plain(record);
        return plain;
    }

    /** @return the subject's compatibility level as Confluent's client reads it */
    public String compatibility(String subject) throws IOException, RestClientException {
        return registry.getCompatibility(subject);
    }

    private static Object plain(Object value) {
        if (value instanceof GenericRecord record) {
            Map<String, Object> map = new LinkedHashMap<>();
            record.getSchema().getFields().forEach(field -> map.put(field.name(), plain(record.get(field.pos()))));
            return map;
        } else if (value instanceof ByteBuffer buffer) {
            byte[] data = new byte[buffer.remaining()];
            buffer.duplicate().get(data);
            return new String(data, StandardCharsets.UTF_8);
        } else if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(plain(item)));
            return copy;
        } else if (value instanceof CharSequence || value instanceof Enum<?>
                || value instanceof org.apache.flink.avro.shaded.org.apache.avro.generic.GenericEnumSymbol<?>) {
            return value.toString();
        }
        return value;
    }

    @Override
    public void close() throws IOException {
        registry.close();
    }
}

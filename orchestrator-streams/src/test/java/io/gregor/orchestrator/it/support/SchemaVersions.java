package io.gregor.orchestrator.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Other versions of Gregor's public schemas, built from the current ones as a service with its
 * own copy of the contract would build them (with Avro's API, not Gregor's generated classes),
 * and records of them in the Confluent wire format.
 */
public final class SchemaVersions {
    private SchemaVersions() {
    }

    /**
     * @param schema a record schema
     * @param added  fields to add after the existing ones
     * @return a copy of the schema (same name) with the fields added
     */
    public static Schema withFields(Schema schema, Schema.Field... added) {
        List<Schema.Field> fields = copies(schema, UnaryOperator.identity());
        fields.addAll(List.of(added));
        return record(schema, fields);
    }

    /**
     * @param schema a record schema
     * @param name   one of its fields
     * @param type   the field's new type
     * @return a copy of the schema (same name) in which the field has the new type and no default
     */
    public static Schema withFieldType(Schema schema, String name, Schema type) {
        return record(schema, copies(schema, field -> field.name().equals(name) ? new Schema.Field(name, type, field.doc()) : field));
    }

    /**
     * @param payloadSchema the schema of Gregor's {@code Payload}
     * @param json          the JSON text of the value
     * @return a JSON payload, as a generic record
     */
    public static GenericRecord jsonPayload(Schema payloadSchema, String json) {
        GenericRecord payload = new GenericData.Record(payloadSchema);
        payload.put("encoding", "json");
        payload.put("data", ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
        return payload;
    }

    /**
     * @param schemaId the registry's id of the record's schema
     * @param record   the record
     * @return magic byte 0, the id (4 bytes, big-endian), then the Avro binary body
     */
    public static byte[] wireFormat(int schemaId, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Fields cannot be shared between schemas: each is copied, with its default. */
    private static List<Schema.Field> copies(Schema schema, UnaryOperator<Schema.Field> change) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            Schema.Field changed = change.apply(field);
            fields.add(changed == field ? new Schema.Field(field, field.schema()) : changed);
        }
        return fields;
    }

    private static Schema record(Schema schema, List<Schema.Field> fields) {
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}

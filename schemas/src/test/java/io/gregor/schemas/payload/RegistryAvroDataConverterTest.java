package io.gregor.schemas.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class RegistryAvroDataConverterTest {

  private static final String SUBJECT = "io.gregor.schemas.avro.FailureDetails";

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final DataConverter converter = DataConverter.avroWithRegistry(registry);

  private static FailureDetails details() {
    return new FailureDetails("OrderRejected", "order o-1 is over the limit", "at line 1", true);
  }

  @Test
  void aGeneratedRecordIsWrittenInTheConfluentWireFormatWithItsSchemaUnderItsFullName() throws Exception {
    Payload payload = converter.serialize(details());

    assertThat(payload.getEncoding()).isEqualTo("avro-confluent");
    int id = registry.lookup(SUBJECT, FailureDetails.getClassSchema()).orElseThrow().id();
    ByteBuffer data = payload.getData().duplicate();
    assertThat(data.get()).isZero();
    assertThat(data.getInt()).isEqualTo(id);
    // A plain Avro reader with the schema fetched by id decodes the data alone.
    Schema writer = registry.getById(id);
    byte[] body = new byte[data.remaining()];
    data.get(body);
    GenericRecord read = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(body, null));
    assertThat(read.get("message")).hasToString("order o-1 is over the limit");
    assertThat(read.get("nonRetriable")).isEqualTo(true);
  }

  @Test
  void aGeneratedRecordSurvivesARoundTripAndCanBeReadTwice() {
    Payload payload = converter.serialize(details());

    assertThat(converter.deserialize(payload, FailureDetails.class)).isEqualTo(details());
    assertThat(converter.deserialize(payload, FailureDetails.class)).isEqualTo(details());
  }

  @Test
  void logicalTypesOfGeneratedClassesSurviveARoundTrip() {
    StartWorkflow start = StartWorkflow.newBuilder().setInstanceId("o-1").setWorkflowName("Order")
        .setIdReusePolicy(IdReusePolicy.REFUSE_IF_EXISTS)
        .setStartAt(Instant.parse("2025-01-02T03:04:05Z")).build();

    assertThat(converter.deserialize(converter.serialize(start), StartWorkflow.class)).isEqualTo(start);
  }

  @Test
  void otherValuesStayJsonAndEveryEncodingIsReadSoMixedHistoriesKeepWorking() {
    DataConverter before = DataConverter.defaultConverter();

    Payload json = converter.serialize(List.of("a", "b"));
    assertThat(json.getEncoding()).isEqualTo("json");
    assertThat(converter.deserialize(json, String[].class)).containsExactly("a", "b");
    assertThat(converter.deserialize(before.serialize("hello"), String.class)).isEqualTo("hello");
    Payload singleObject = before.serialize(details());
    assertThat(singleObject.getEncoding()).isEqualTo("avro");
    assertThat(converter.deserialize(singleObject, FailureDetails.class)).isEqualTo(details());
    assertThat(converter.serialize(singleObject)).isSameAs(singleObject);
    assertThat(converter.deserialize(converter.serialize(details()), Void.class)).isNull();
    assertThat(converter.serialize(null)).isNull();
  }

  @Test
  void anOlderWriterSchemaIsResolvedAgainstTheReaderClass() {
    // v1 of FailureDetails, before stackTrace and nonRetriable were added (with defaults)
    Schema v1 = SchemaBuilder.record("FailureDetails").namespace("io.gregor.schemas.avro").fields()
        .requiredString("errorType").requiredString("message").endRecord();
    GenericRecord old = new GenericData.Record(v1);
    old.put("errorType", "Timeout");
    old.put("message", "too slow");

    Payload payload = converter.serialize(old);

    assertThat(registry.lookup(SUBJECT, v1)).isPresent();
    assertThat(converter.deserialize(payload, FailureDetails.class))
        .isEqualTo(new FailureDetails("Timeout", "too slow", null, false));
  }

  @Test
  void aNewerWriterSchemaWithAnAddedFieldIsReadByTheCurrentClass() {
    Schema v3 = SchemaBuilder.record("FailureDetails").namespace("io.gregor.schemas.avro").fields()
        .requiredString("errorType").requiredString("message").optionalString("stackTrace")
        .name("nonRetriable").type().booleanType().booleanDefault(false)
        .name("code").type().intType().intDefault(0).endRecord();
    GenericRecord newer = new GenericData.Record(v3);
    newer.put("errorType", "Timeout");
    newer.put("message", "too slow");
    newer.put("nonRetriable", true);
    newer.put("code", 504);

    assertThat(converter.deserialize(converter.serialize(newer), FailureDetails.class))
        .isEqualTo(new FailureDetails("Timeout", "too slow", null, true));
  }

  @Test
  void aPayloadIsReadAsAGenericRecordWithTheWriterSchema() {
    GenericRecord read = converter.deserialize(converter.serialize(details()), GenericRecord.class);

    assertThat(read.getSchema()).isEqualTo(FailureDetails.getClassSchema());
    assertThat(read.get("errorType")).hasToString("OrderRejected");
    assertThat(converter.deserialize(converter.serialize(details()), Object.class))
        .isInstanceOf(GenericRecord.class);
  }

  @Test
  void aPayloadOfAnIdTheRegistryDoesNotKnowIsRefusedNamingTheId() {
    Payload unknown = new Payload("avro-confluent", ByteBuffer.wrap(new byte[] {0, 0, 0, 0x7f, 0x7f, 2}));

    assertThatThrownBy(() -> converter.deserialize(unknown, FailureDetails.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Expected a schema id known to the schema registry, but found id 32639");
  }

  @Test
  void bytesThatAreNotInTheWireFormatAreRefused() {
    Payload json = new Payload("avro-confluent", ByteBuffer.wrap("{}".getBytes()));
    Payload shortOne = new Payload("avro-confluent", ByteBuffer.wrap(new byte[] {0, 0}));
    ByteBuffer written = converter.serialize(details()).getData();
    ByteBuffer longer = ByteBuffer.allocate(written.remaining() + 1).put(written.duplicate()).put((byte) 0).flip();

    assertThatThrownBy(() -> converter.deserialize(json, FailureDetails.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected an 'avro-confluent' payload to start with magic byte 0, but found 0x7b in 2 bytes");
    assertThatThrownBy(() -> converter.deserialize(shortOne, FailureDetails.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageContaining("at least 5 bytes (magic byte + schema id), but found 2");
    assertThatThrownBy(() -> converter.deserialize(new Payload("avro-confluent", longer), FailureDetails.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageContaining("to end with the record, but found 1 more bytes");
  }

  @Test
  void aPayloadIsRefusedForATypeThatIsNotAnAvroRecord() {
    Payload payload = converter.serialize(details());

    assertThatThrownBy(() -> converter.deserialize(payload, String.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected a generated Avro class or GenericRecord to read an 'avro-confluent' payload"
            + " of io.gregor.schemas.avro.FailureDetails into, but found java.lang.String");
  }

  @Test
  void aRecordOfAnotherTypeIsNotReadAsTheRequestedClass() {
    Payload payload = converter.serialize(details());

    assertThatThrownBy(() -> converter.deserialize(payload, StartWorkflow.class))
        .isInstanceOf(DataConversionException.class)
        .hasMessageStartingWith("Expected an 'avro-confluent' payload readable as io.gregor.schemas.avro.StartWorkflow,"
            + " but schema id");
  }

  @Test
  void aGenericValueThatIsNotARecordIsRefused() {
    Schema color = SchemaBuilder.enumeration("Color").namespace("acme").symbols("RED");

    assertThatThrownBy(() -> converter.serialize(new GenericData.EnumSymbol(color, "RED")))
        .isInstanceOf(DataConversionException.class)
        .hasMessage("Expected an Avro record to write as 'avro-confluent', but found a ENUM acme.Color");
  }
}

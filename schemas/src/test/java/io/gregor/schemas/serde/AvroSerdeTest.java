package io.gregor.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.Failures;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final String STARTS = "gregor.workflow-starts";
  private static final Instant CREATED = Instant.parse("2025-01-02T03:04:05.678Z");

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  @Test
  void startWorkflowSurvivesARoundTrip() {
    StartWorkflow start = start("order-1");

    assertThat(roundTrip(StartWorkflow.class, STARTS, start)).isEqualTo(start);
  }

  @Test
  void aCompletionWithTimestampsAndAFailureSurvivesARoundTrip() {
    WorkflowCompletion completion = WorkflowCompletion.newBuilder()
        .setInstanceId("order-1").setWorkflowName("OrderWorkflow").setStatus(RuntimeStatus.FAILED)
        .setFailure(Failures.of(new IllegalStateException("out of stock")))
        .setCreatedAt(CREATED).setCompletedAt(CREATED.plusSeconds(90))
        .build();

    WorkflowCompletion read =
        roundTrip(WorkflowCompletion.class, "gregor.workflow-completions", completion);

    assertThat(read).isEqualTo(completion);
    assertThat(read.getCompletedAt()).isEqualTo(CREATED.plusSeconds(90));
  }

  @Test
  void recordsWithUnionBranchesSurviveARoundTrip() {
    HistoryEvent scheduled = new HistoryEvent(
        CREATED, new TaskScheduled(3, "ChargeCard", json("{\"cents\":1200}"), 2, null, null, null, null, null));
    WorkflowControl terminate =
        new WorkflowControl("order-1", new TerminateWorkflow("operator request", null, true));

    assertThat(roundTrip(HistoryEvent.class, "app-history-changelog", scheduled))
        .isEqualTo(scheduled);
    assertThat(roundTrip(WorkflowControl.class, "gregor.workflow-control", terminate))
        .isEqualTo(terminate);
  }

  @Test
  void anActivityTaskSurvivesARoundTrip() {
    ActivityTask task = new ActivityTask(
        "order-1", "OrderWorkflow", 4, "ChargeCard", json("[1,2]"), 1, CREATED, null, null, null, null);

    assertThat(roundTrip(ActivityTask.class, "gregor.activity-tasks", task)).isEqualTo(task);
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);

    assertThat(serde.serialize(STARTS, null)).isNull();
    assertThat(serde.deserialize(STARTS, null)).isNull();
  }

  @Test
  void bytesAreMagicZeroThenTheBigEndianSchemaIdThenTheAvroBody() throws Exception {
    FixedIdRegistry fixed = new FixedIdRegistry(0x01020304);
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(fixed, StartWorkflow.class);
    StartWorkflow start = start("order-1");

    byte[] bytes = serde.serialize(STARTS, start);

    assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 1, 2, 3, 4);
    GenericRecord body = new GenericDatumReader<GenericRecord>(StartWorkflow.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(body.get("instanceId")).hasToString("order-1");
    assertThat(body.get("workflowName")).hasToString("OrderWorkflow");
  }

  @Test
  void theSchemaIsRegisteredUnderTheTopicValueSubjectOncePerTopic() {
    FixedIdRegistry fixed = new FixedIdRegistry(5);
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(fixed, StartWorkflow.class);

    serde.serialize(STARTS, start("a"));
    serde.serialize(STARTS, start("b"));
    serde.serialize("other-topic", start("c"));

    assertThat(fixed.subjects).containsExactly(STARTS + "-value", "other-topic-value");
  }

  @Test
  void aKeySerdeRegistersUnderTheTopicKeySubject() {
    FixedIdRegistry fixed = new FixedIdRegistry(5);
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(fixed, StartWorkflow.class);
    serde.configure(Map.of(), true);

    serde.serialize(STARTS, start("a"));

    assertThat(fixed.subjects).containsExactly(STARTS + "-key");
  }

  @Test
  void theWriterSchemaIsFetchedOncePerId() {
    FixedIdRegistry fixed = new FixedIdRegistry(5);
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(fixed, StartWorkflow.class);
    byte[] bytes = serde.serialize(STARTS, start("a"));

    serde.deserialize(STARTS, bytes);
    serde.deserialize(STARTS, bytes);

    assertThat(fixed.lookups).hasValue(1);
  }

  @Test
  void aRecordWithoutTheMagicByteIsRefused() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);
    byte[] json = "{\"instanceId\":\"order-1\",\"workflowName\":\"OrderWorkflow\"}"
        .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> serde.deserialize(STARTS, json))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("Expected magic byte 0 (Confluent wire format) at offset 0, but found 0x7b in"
            + " a 55-byte record on topic gregor.workflow-starts");
  }

  @Test
  void aRecordShorterThanTheHeaderIsRefused() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);

    assertThatThrownBy(() -> serde.deserialize(STARTS, new byte[] {0, 0, 1}))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("Expected at least 5 bytes (magic byte + schema id), but found 3 on topic"
            + " gregor.workflow-starts");
    assertThatThrownBy(() -> serde.deserialize(STARTS, new byte[0]))
        .hasMessage("Expected at least 5 bytes (magic byte + schema id), but found 0 on topic"
            + " gregor.workflow-starts");
  }

  @Test
  void anUnknownSchemaIdIsRefusedNamingTheId() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);
    byte[] bytes = {0, 0, 0, 0, 99, 2, 'a'};

    assertThatThrownBy(() -> serde.deserialize(STARTS, bytes))
        .isInstanceOf(WireFormatException.class)
        .hasCauseInstanceOf(SchemaRegistryException.class)
        .hasMessage("Expected a schema id known to the schema registry, but found unknown id 99"
            + " in a 7-byte record on topic gregor.workflow-starts");
  }

  @Test
  void aRegistryThatCannotBeReachedIsNotABadRecord() {
    SchemaRegistryException outage = new SchemaRegistryException(
        "Expected a response from GET http://registry/schemas/ids/1, but found none",
        new java.io.IOException("connection refused"));
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(new FailingRegistry(outage), StartWorkflow.class);

    assertThatThrownBy(() -> serde.deserialize(STARTS, new byte[] {0, 0, 0, 0, 1, 0}))
        .isSameAs(outage);
  }

  @Test
  void aTruncatedBodyIsRefusedNamingTheTypeAndSchemaId() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);
    byte[] bytes = serde.serialize(STARTS, start("order-1"));
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    byte[] truncated = Arrays.copyOf(bytes, 9);

    assertThatThrownBy(() -> serde.deserialize(STARTS, truncated))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("Expected a record readable as io.gregor.schemas.avro.StartWorkflow, but schema"
            + " id " + id + " on topic gregor.workflow-starts failed: the 9-byte record ends"
            + " before the Avro body does");
  }

  @Test
  void aBodyWithBytesLeftOverIsRefused() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);
    byte[] bytes = serde.serialize(STARTS, start("order-1"));
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

    assertThatThrownBy(() -> serde.deserialize(STARTS, padded))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("Expected the Avro body of schema id " + id + " to end with the record, but"
            + " found 3 more bytes in a " + padded.length + "-byte record on topic"
            + " gregor.workflow-starts");
  }

  @Test
  void aRecordOfAnotherTypeIsRefusedWithAvrosReason() {
    byte[] event = new AvroSerde<>(registry, ExternalEvent.class)
        .serialize(STARTS, new ExternalEvent("order-1", "approved", null));
    int id = ByteBuffer.wrap(event, 1, 4).getInt();
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);

    assertThatThrownBy(() -> serde.deserialize(STARTS, event))
        .isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("Expected a record readable as io.gregor.schemas.avro.StartWorkflow,"
            + " but schema id " + id + " on topic gregor.workflow-starts failed: ")
        .hasMessageContaining("ExternalEvent");
  }

  @Test
  void aNewerWriterSchemaWithAnExtraFieldIsReadByTheCurrentClass() {
    Schema current = StartWorkflow.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), null, 0));
    Schema newer = Schema.createRecord(
        current.getName(), null, current.getNamespace(), false, fields);
    int id = registry.register(STARTS + "-value", newer);
    GenericRecord written = new GenericData.Record(newer);
    written.put("instanceId", "order-1");
    written.put("workflowName", "OrderWorkflow");
    written.put("requestedBy", "billing");
    written.put("idReusePolicy", reusePolicy(newer, "REFUSE_IF_EXISTS"));
    written.put("priority", 7);

    StartWorkflow read = new AvroSerde<>(registry, StartWorkflow.class)
        .deserialize(STARTS, WireFormat.frame(id, newer, written));

    assertThat(read).isEqualTo(new StartWorkflow("order-1", "OrderWorkflow", null, "billing",
        IdReusePolicy.REFUSE_IF_EXISTS, null, null, null));
  }

  @Test
  void anOlderWriterSchemaWithoutAnOptionalFieldIsReadWithItsDefault() {
    Schema current = StartWorkflow.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().stream()
        .filter(f -> !f.name().equals("requestedBy"))
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    Schema older = Schema.createRecord(
        current.getName(), null, current.getNamespace(), false, fields);
    int id = registry.register(STARTS + "-value", older);
    GenericRecord written = new GenericData.Record(older);
    written.put("instanceId", "order-1");
    written.put("workflowName", "OrderWorkflow");
    written.put("idReusePolicy", reusePolicy(older, "REFUSE_IF_EXISTS"));

    StartWorkflow read = new AvroSerde<>(registry, StartWorkflow.class)
        .deserialize(STARTS, WireFormat.frame(id, older, written));

    assertThat(read.getInstanceId()).isEqualTo("order-1");
    assertThat(read.getRequestedBy()).isNull();
  }

  @Test
  void anIncompleteRecordIsRefusedOnWriteNamingTheTopic() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);
    StartWorkflow incomplete = new StartWorkflow("order-1", null, null, null,
        IdReusePolicy.REFUSE_IF_EXISTS, null, null, null);

    assertThatThrownBy(() -> serde.serialize(STARTS, incomplete))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Expected a complete io.gregor.schemas.avro.StartWorkflow to write"
            + " to topic gregor.workflow-starts, but Avro failed: ")
        .hasMessageContaining("workflowName");
  }

  @Test
  void aClassThatIsNotGeneratedIsRefused() {
    assertThatThrownBy(() -> new AvroSerde<>(registry, SpecificRecord.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a generated Avro class with a SCHEMA$ field, but found"
            + " org.apache.avro.specific.SpecificRecord");
  }

  @Test
  void theSerdeIsItsOwnSerializerAndDeserializer() {
    AvroSerde<StartWorkflow> serde = new AvroSerde<>(registry, StartWorkflow.class);

    assertThat(serde.serializer()).isSameAs(serde);
    assertThat(serde.deserializer()).isSameAs(serde);
  }

  private <T extends SpecificRecord> T roundTrip(Class<T> type, String topic, T value) {
    AvroSerde<T> writer = new AvroSerde<>(registry, type);
    AvroSerde<T> reader = new AvroSerde<>(registry, type);
    return reader.deserialize(topic, writer.serialize(topic, value));
  }

  private static StartWorkflow start(String instanceId) {
    return StartWorkflow.newBuilder()
        .setInstanceId(instanceId)
        .setWorkflowName("OrderWorkflow")
        .setInput(json("{\"sku\":\"A-1\",\"qty\":2}"))
        .build();
  }

  private static Payload json(String text) {
    return new Payload("json", ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Gives every schema the same id and counts what it is asked. */
  private static final class FixedIdRegistry implements SchemaRegistryClient {
    final int id;
    final List<String> subjects = new ArrayList<>();
    final AtomicInteger lookups = new AtomicInteger();
    Schema schema;

    FixedIdRegistry(int id) {
      this.id = id;
    }

    @Override
    public int register(String subject, Schema schema) {
      subjects.add(subject);
      this.schema = schema;
      return id;
    }

    @Override
    public Schema getById(int id) {
      lookups.incrementAndGet();
      return schema;
    }

    @Override
    public void close() {}
  }

  /** A registry that is down. */
  private record FailingRegistry(SchemaRegistryException failure) implements SchemaRegistryClient {
    @Override
    public int register(String subject, Schema schema) {
      throw failure;
    }

    @Override
    public Schema getById(int id) {
      throw failure;
    }

    @Override
    public void close() {}
  }

  /** A generic record gets no defaults: the enum field of StartWorkflow must be set explicitly. */
  private static GenericData.EnumSymbol reusePolicy(Schema startWorkflow, String symbol) {
    return new GenericData.EnumSymbol(startWorkflow.getField("idReusePolicy").schema(), symbol);
  }
}

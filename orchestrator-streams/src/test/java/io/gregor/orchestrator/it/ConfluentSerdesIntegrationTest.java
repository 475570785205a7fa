package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.internal.SubjectCompatibility;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.orchestrator.it.support.confluent.ConfluentSerdes;
import io.gregor.schemas.avro.StartWorkflow;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's oracle: Gregor's topics read and written with Confluent's schema-registry client,
 * the Confluent wire format as Flink's coder writes it and Apache Avro, all from
 * {@code flink-sql-avro-confluent-registry} (none of it written here), against the real
 * registry's Confluent-compatible API and the real broker.
 */
class ConfluentSerdesIntegrationTest {
    private static GregorTestApp app;
    private static ConfluentSerdes confluent;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("confluent")
                .workflow("Greet", () -> ctx -> "hello " + ctx.getInput(String.class))
                .start();
        confluent = ConfluentSerdes.connect(app.schemaRegistryUrl());
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (confluent != null) {
            confluent.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aStartWrittenByConfluentsClientAndAvroRunsAWorkflow() throws Exception {
        // given: a start as another service writes it, from the contract's schema and Avro's JSON encoding
        String id = app.newInstanceId("confluent-start");
        String start = """
                {"instanceId": "%s", "workflowName": "Greet",
                 "input": {"io.gregor.schemas.avro.Payload": {"encoding": "json", "data": "\\"Confluent\\""}},
                 "requestedBy": {"string": "confluent-serializer"}, "idReusePolicy": "REFUSE_IF_EXISTS",
                 "startAt": null, "parentInstanceId": null, "parentTaskId": null}""".formatted(id);
        byte[] value = confluent.serialize(app.topics().starts() + "-value", StartWorkflow.getClassSchema().toString(), start);

        // when
        app.produceRaw(app.topics().starts(), id, value);

        // then
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);
        assertThat(state.getRuntimeStatus()).as("%s", state).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(String.class)).isEqualTo("hello Confluent");
    }

    @Test
    void aCompletionWrittenByGregorIsReadByConfluentsClientAndAvroWithTheWriterSchema() throws Exception {
        // given: a workflow that ran
        String id = app.newInstanceId("confluent-completion");
        app.client().scheduleNewWorkflow("Greet", "reader", id);
        app.client().waitForInstanceCompletion(id, TIMEOUT);

        // when: its completion is read from the topic with the writer schema fetched by the record's id
        ConsumerRecord<byte[], byte[]> record = KafkaReads.awaitRecord(app.bootstrapServers(), app.topics().completions(),
                r -> id.equals(KafkaReads.keyText(r)), TIMEOUT);
        Map<String, Object> completion = confluent.deserialize(record.value());

        // then
        assertThat(completion).containsEntry("instanceId", id).containsEntry("workflowName", "Greet")
                .containsEntry("status", "COMPLETED").containsEntry("failure", null);
        assertThat(completion.get("output")).isEqualTo(Map.of("encoding", "json", "data", "\"hello reader\""));
        assertThat((Long) completion.get("completedAt")).isGreaterThanOrEqualTo((Long) completion.get("createdAt"));
    }

    @Test
    void confluentsClientSeesEveryPublicSubjectAtBackward() {
        List<String> subjects = SubjectCompatibility.publicSubjects(app.topics(), List.of());

        assertThat(subjects).allSatisfy(subject -> assertThat(confluent.compatibility(subject)).as(subject).isEqualTo("BACKWARD"));
    }
}

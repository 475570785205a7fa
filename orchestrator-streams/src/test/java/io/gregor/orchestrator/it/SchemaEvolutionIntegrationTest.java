package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.internal.SubjectCompatibility;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.SchemaVersions;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.CompatibilityLevel;
import io.gregor.schemas.registry.HttpSchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 on a real broker and registry: the public subjects are BACKWARD in the registry; an
 * upgraded service's v2 of a public record (an added optional field) is read by the current
 * orchestrator, and v1 producers keep working after it is registered; an incompatible v3 is
 * refused by the registry with its reason.
 */
class SchemaEvolutionIntegrationTest {
    private static final DataConverter JSON = DataConverter.defaultConverter();

    private static GregorTestApp app;
    private static HttpSchemaRegistryClient registry;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("evolution")
                .workflow("Greet", () -> ctx -> "hello " + ctx.getInput(String.class))
                .workflow("AwaitName", () -> ctx -> ctx.getInput(String.class) + " "
                        + ctx.waitForExternalEvent("name", String.class).await())
                .start();
        registry = new HttpSchemaRegistryClient(app.schemaRegistryUrl());
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static String subject(String topic) {
        return topic + "-value";
    }

    @Test
    void everyPublicSubjectIsBackwardInTheRegistryOnceTheOrchestratorStarted() {
        List<String> subjects = SubjectCompatibility.publicSubjects(app.topics(), List.of());

        assertThat(subjects).hasSize(7).allSatisfy(subject ->
                assertThat(registry.compatibility(subject)).as(subject).contains(CompatibilityLevel.BACKWARD));
    }

    @Test
    void aStartAndAnEventOfAnUpgradedServiceWithAnAddedOptionalFieldAreReadAndV1ProducersKeepWorking() throws Exception {
        // given: v2 of StartWorkflow and ExternalEvent, each with an optional field the orchestrator does not know
        Schema optionalInt = SchemaBuilder.unionOf().nullType().and().intType().endUnion();
        Schema startV2 = SchemaVersions.withFields(StartWorkflow.getClassSchema(),
                new Schema.Field("priority", optionalInt, "added in v2", Schema.Field.NULL_DEFAULT_VALUE));
        Schema eventV2 = SchemaVersions.withFields(ExternalEvent.getClassSchema(),
                new Schema.Field("source", SchemaBuilder.builder().stringType(), "added in v2", "unknown"));
        int startV2Id = registry.register(subject(app.topics().starts()), startV2);
        int eventV2Id = registry.register(subject(app.topics().events()), eventV2);
        assertThat(registry.latestVersion(subject(app.topics().starts())).orElseThrow().id()).isEqualTo(startV2Id);

        // when: the upgraded service starts an instance and raises the event it waits for
        String id = app.newInstanceId("v2");
        GenericRecord start = new GenericData.Record(startV2);
        start.put("instanceId", id);
        start.put("workflowName", "AwaitName");
        start.put("input", SchemaVersions.jsonPayload(Payload.getClassSchema(), "\"hello\""));
        start.put("idReusePolicy", new GenericData.EnumSymbol(startV2.getField("idReusePolicy").schema(), "REFUSE_IF_EXISTS"));
        start.put("priority", 7);
        app.produceRaw(app.topics().starts(), id, SchemaVersions.wireFormat(startV2Id, start));
        app.client().waitForInstanceStart(id, TIMEOUT);
        GenericRecord event = new GenericData.Record(eventV2);
        event.put("instanceId", id);
        event.put("name", "name");
        event.put("payload", SchemaVersions.jsonPayload(Payload.getClassSchema(), "\"v2\""));
        event.put("source", "upgraded-service");
        app.produceRaw(app.topics().events(), id, SchemaVersions.wireFormat(eventV2Id, event));

        // then: the current orchestrator read both
        WorkflowInstanceState v2 = app.client().waitForInstanceCompletion(id, TIMEOUT);
        assertThat(v2.getRuntimeStatus()).as("%s", v2).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(v2.readOutputAs(String.class)).isEqualTo("hello v2");

        // and: v1 producers, the Java client and a plain Avro producer with Gregor's serde, keep working
        String viaClient = app.newInstanceId("v1-client");
        app.client().scheduleNewWorkflow("Greet", "v1 client", viaClient);
        String viaTopic = app.newInstanceId("v1-topic");
        app.produce(app.topics().starts(), viaTopic, StartWorkflow.newBuilder().setInstanceId(viaTopic).setWorkflowName("Greet")
                .setInput(JSON.serialize("v1 topic")).build());
        assertThat(app.client().waitForInstanceCompletion(viaClient, TIMEOUT).readOutputAs(String.class)).isEqualTo("hello v1 client");
        assertThat(app.client().waitForInstanceCompletion(viaTopic, TIMEOUT).readOutputAs(String.class)).isEqualTo("hello v1 topic");
    }

    @Test
    void anIncompatibleV3IsRefusedByTheRegistryWithTheSubjectAndTheReason() {
        String subject = subject(app.topics().starts());
        Schema requiredTenant = SchemaVersions.withFields(StartWorkflow.getClassSchema(),
                new Schema.Field("tenant", SchemaBuilder.builder().stringType(), "required, without a default"));
        Schema numericId = SchemaVersions.withFieldType(StartWorkflow.getClassSchema(), "instanceId", SchemaBuilder.builder().longType());

        assertThatThrownBy(() -> registry.register(subject, requiredTenant))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining(subject)
                .hasMessageContaining("tenant")
                .hasMessageContaining("incompatible");
        assertThatThrownBy(() -> registry.register(subject, numericId))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(subject)
                .hasMessageContaining("LONG not compatible with writer type: STRING");
    }
}

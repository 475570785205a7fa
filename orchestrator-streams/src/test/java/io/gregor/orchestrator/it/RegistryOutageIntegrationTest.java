package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.CapturingAppender;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.Await;
import io.gregor.testkit.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a schema registry outage delays workflows but loses none and dead-letters none. The
 * registry is a real Apicurio child process with its schemas in a file, stopped and started
 * again on the same port, so schema ids stay valid across the restart.
 */
class RegistryOutageIntegrationTest {

    /** Long enough for the registry client to give up (30 s of retries) and the stream thread to be replaced. */
    private static final Duration OUTAGE_NOTICED = Duration.ofSeconds(120);
    private static final int STARTS_DURING_OUTAGE = 10;

    @TempDir
    Path registryDirectory;

    @Test
    void startsDuringARegistryOutageCompleteOnceAfterItAndNoneIsDeadLettered() throws Exception {
        // given: a registry whose schemas survive a restart, and an app that ran a workflow (its caches are warm)
        int httpPort = freePort();
        int managementPort = freePort();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.startPersistent(registryDirectory, httpPort, managementPort);
        CapturingAppender registryFailures = CapturingAppender.attachTo("io.gregor.orchestrator.internal.RegistryFailures");
        try (GregorTestApp app = GregorTestApp.builder("registryoutage")
                .workflow("Echo", () -> ctx -> "echo: " + ctx.callActivity("Echo", ctx.getInput(String.class), String.class).await())
                .activity("Echo", ctx -> ctx.getInput(String.class))
                .orchestratorOptions(o -> o.schemaRegistryUrl(registry.url()))
                .workerOptions(w -> w.schemaRegistryUrl(registry.url()))
                .clientOptions(c -> c.schemaRegistryUrl(registry.url()))
                .start()) {
            List<String> ids = new ArrayList<>();
            ids.add(app.client().scheduleNewWorkflow("Echo", "before", app.newInstanceId("before")));
            awaitCompleted(app, ids.get(0), "echo: before");
            // A start written with a newer schema: its id is new to the orchestrator, which must ask the registry.
            String fresh = app.newInstanceId("fresh-schema");
            byte[] freshStart = withNewerSchema(app, registry.url(), start(fresh, "fresh"));

            // when: the registry stops, and starts keep coming
            registry.close();
            app.produceRaw(app.topics().starts(), fresh, freshStart);
            for (int i = 0; i < STARTS_DURING_OUTAGE; i++) {
                ids.add(app.client().scheduleNewWorkflow("Echo", "during " + i, app.newInstanceId("during-" + i)));
            }
            Await.until(OUTAGE_NOTICED, () -> !registryFailures.messages(Level.WARN).isEmpty(),
                    () -> "the orchestrator to give up waiting for the stopped registry and retry the record");

            // then: nothing was dead-lettered while the registry was away
            assertThat(app.deadLetters()).isEmpty();
            assertThat(registryFailures.messages(Level.WARN)).first().asString()
                    .contains("could not now").contains("/schemas/ids/");

            // when: the registry is back on the same port with the same schemas
            try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.startPersistent(registryDirectory, httpPort, managementPort)) {

                // then: every start completes, exactly once, and nothing is dead-lettered
                awaitCompleted(app, fresh, "echo: fresh");
                for (int i = 0; i < STARTS_DURING_OUTAGE; i++) {
                    awaitCompleted(app, ids.get(i + 1), "echo: during " + i);
                }
                ids.add(fresh);
                for (String id : ids) {
                    assertThat(KafkaReads.completions(app.bootstrapServers(), restarted.url(), app.topics(), id))
                            .as("completions of %s", id).hasSize(1);
                }
                assertThat(app.deadLetters()).isEmpty();
            }
        } finally {
            registryFailures.detach();
            registry.close();
        }
    }

    private static void awaitCompleted(GregorTestApp app, String id, String output) throws Exception {
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT.multipliedBy(3));
        assertThat(state.getRuntimeStatus()).as("status of %s (%s)", id, state).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(String.class)).isEqualTo(output);
    }

    private static StartWorkflow start(String id, String input) {
        return StartWorkflow.newBuilder().setInstanceId(id).setWorkflowName("Echo")
                .setInput(DataConverter.defaultConverter().serialize(input)).build();
    }

    /**
     * The start in the wire format of StartWorkflow plus a trailing optional field, registered
     * under the starts subject. Avro writes a record as its fields in order, and that field's
     * null as the union index 0, so the body is StartWorkflow's followed by one zero byte.
     */
    private static byte[] withNewerSchema(GregorTestApp app, String registryUrl, StartWorkflow start) throws IOException {
        Schema current = StartWorkflow.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("note", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added by a newer client", JsonProperties.NULL_VALUE));
        Schema newer = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        try (SchemaRegistryClient client = SchemaRegistryClient.forUrl(registryUrl)) {
            int newerId = client.register(app.topics().starts() + "-value", newer);
            byte[] written = new AvroSerde<>(client, StartWorkflow.class).serialize(app.topics().starts(), start);
            assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).as("id of the current schema").isNotEqualTo(newerId);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(AvroSerde.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(newerId).array());
            out.write(written, AvroSerde.HEADER_SIZE, written.length - AvroSerde.HEADER_SIZE);
            out.write(0);
            return out.toByteArray();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

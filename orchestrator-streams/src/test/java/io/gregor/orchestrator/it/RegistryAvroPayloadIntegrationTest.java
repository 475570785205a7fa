package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.testkit.GregorInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 on a real broker and registry: with {@link DataConverter#avroWithRegistry} on client,
 * orchestrator and worker, a workflow's input and an activity's output are Avro records carried
 * as {@code avro-confluent} payloads end to end, and the output in the completion record decodes
 * with a plain Avro reader given only the schema the registry returns for the payload's id.
 */
class RegistryAvroPayloadIntegrationTest {
    private static SchemaRegistryClient registry;
    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        registry = SchemaRegistryClient.forUrl(GregorInfrastructure.shared().schemaRegistryUrl());
        DataConverter converter = DataConverter.avroWithRegistry(registry);
        app = GregorTestApp.builder("registryavro")
                .workflow("Acknowledge", () -> ctx -> {
                    FailureDetails rejected = ctx.getInput(FailureDetails.class);
                    return ctx.callActivity("Ack", rejected, ExternalEvent.class).await();
                })
                .activity("Ack", ctx -> {
                    FailureDetails rejected = ctx.getInput(FailureDetails.class);
                    return new ExternalEvent(rejected.getMessage(), "ack " + rejected.getErrorType(), null);
                })
                .orchestratorOptions(b -> b.dataConverter(converter))
                .workerOptions(b -> b.dataConverter(converter))
                .clientOptions(b -> b.dataConverter(converter))
                .start();
    }

    @AfterAll
    static void stopGregor() {
        if (app != null) {
            app.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void avroRecordsTravelInTheConfluentWireFormatAndTheCompletionDecodesWithAPlainAvroReader() throws Exception {
        String id = app.newInstanceId("order");

        app.client().scheduleNewWorkflow("Acknowledge", new FailureDetails("OrderRejected", "o-7", null, true), id);
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

        assertThat(state.getRuntimeStatus()).as("%s", state).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(ExternalEvent.class)).isEqualTo(new ExternalEvent("o-7", "ack OrderRejected", null));
        List<HistoryEvent> history = app.history(id);
        assertThat(history).extracting(HistoryEvent::getEvent).filteredOn(WorkflowStarted.class::isInstance)
                .singleElement().extracting(e -> ((WorkflowStarted) e).getInput().getEncoding()).isEqualTo("avro-confluent");
        assertThat(history).extracting(HistoryEvent::getEvent).filteredOn(TaskCompleted.class::isInstance)
                .singleElement().extracting(e -> ((TaskCompleted) e).getOutput().getEncoding()).isEqualTo("avro-confluent");

        Payload output = app.completions(id).getFirst().getOutput();
        assertThat(output.getEncoding()).isEqualTo("avro-confluent");
        ByteBuffer data = output.getData().duplicate();
        assertThat(data.get()).as("magic byte").isZero();
        Schema writer = schemaById(data.getInt());
        assertThat(writer.getFullName()).isEqualTo("io.gregor.schemas.avro.ExternalEvent");
        byte[] body = new byte[data.remaining()];
        data.get(body);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer).read(null, DecoderFactory.get().binaryDecoder(body, null));
        assertThat(decoded.get("instanceId")).hasToString("o-7");
        assertThat(decoded.get("name")).hasToString("ack OrderRejected");
    }

    /** The registry's answer to {@code GET /schemas/ids/{id}}, parsed by Avro alone: no Gregor code in the way. */
    private static Schema schemaById(int id) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(app.schemaRegistryUrl() + "/schemas/ids/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return new Schema.Parser().parse(new ObjectMapper().readTree(response.body()).get("schema").asText());
        }
    }
}

package io.gregor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client writes the public start and event contracts and the control records, against a real broker. */
class WorkflowClientWritesTest {

    /** An input mapped to JSON by the default converter. */
    public record Order(String orderId, int amount) {
    }

    /** A workflow class whose simple name is its registered name. */
    static final class OrderWorkflow implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            return null;
        }
    }

    private static KafkaFixture kafka;
    private static WorkflowClient client;

    @BeforeAll
    static void startClient() {
        kafka = KafkaFixture.withFreshTopics("client-writes");
        client = kafka.clientBuilder().build();
    }

    @AfterAll
    static void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void scheduleNewWorkflowWritesStartWorkflowKeyedByInstanceIdWithJsonInput() {
        // given an id chosen by the caller
        String instanceId = "order-" + UUID.randomUUID();

        // when
        String returned = client.scheduleNewWorkflow("payment", new Order("o-1", 42), instanceId);

        // then the start is on the starts topic, keyed by the id, with the input as JSON
        assertThat(returned).isEqualTo(instanceId);
        ConsumerRecord<String, StartWorkflow> record = only(kafka.readInputs(InputKind.START, StartWorkflow.class), instanceId);
        assertThat(record.value().getInstanceId()).isEqualTo(instanceId);
        assertThat(record.value().getWorkflowName()).isEqualTo("payment");
        assertThat(record.value().getInput().getEncoding()).isEqualTo("json");
        assertThat(text(record.value().getInput())).isEqualTo("{\"orderId\":\"o-1\",\"amount\":42}");
    }

    @Test
    void scheduleNewWorkflowWithoutInputWritesNoPayload() {
        String instanceId = client.scheduleNewWorkflow("payment", null);

        ConsumerRecord<String, StartWorkflow> record = only(kafka.readInputs(InputKind.START, StartWorkflow.class), instanceId);
        assertThat(record.value().getInput()).isNull();
    }

    @Test
    void scheduleNewWorkflowByClassUsesTheSimpleNameAndGeneratesUniqueIds() {
        // when the same workflow is scheduled many times without ids
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(client.scheduleNewWorkflow(OrderWorkflow.class, new Order("o-" + i, i)));
        }

        // then every start got its own UUID and names the class
        assertThat(ids).hasSize(20).allSatisfy(id -> assertThat(UUID.fromString(id)).isNotNull());
        List<ConsumerRecord<String, StartWorkflow>> starts = kafka.readInputs(InputKind.START, StartWorkflow.class)
                .stream().filter(r -> ids.contains(r.key())).toList();
        assertThat(starts).hasSize(20)
                .allSatisfy(r -> assertThat(r.value().getWorkflowName()).isEqualTo("OrderWorkflow"));
    }

    @Test
    void raiseEventWritesExternalEventKeyedByInstanceId() {
        String instanceId = "approval-" + UUID.randomUUID();

        client.raiseEvent(instanceId, "approved", new Order("o-7", 7));

        ConsumerRecord<String, ExternalEvent> record = only(kafka.readInputs(InputKind.EVENT, ExternalEvent.class), instanceId);
        assertThat(record.value().getInstanceId()).isEqualTo(instanceId);
        assertThat(record.value().getName()).isEqualTo("approved");
        assertThat(text(record.value().getPayload())).isEqualTo("{\"orderId\":\"o-7\",\"amount\":7}");
    }

    @Test
    void terminateWorkflowWritesTerminateControlWithOutputAndReason() {
        String withReason = "t-" + UUID.randomUUID();
        String withoutReason = "t-" + UUID.randomUUID();

        client.terminateWorkflow(withReason, "cancelled by support", "customer asked");
        client.terminateWorkflow(withoutReason, null);

        List<ConsumerRecord<String, WorkflowControl>> control = kafka.readInputs(InputKind.CONTROL, WorkflowControl.class);
        TerminateWorkflow first = (TerminateWorkflow) only(control, withReason).value().getAction();
        assertThat(first.getReason()).isEqualTo("customer asked");
        assertThat(text(first.getOutput())).isEqualTo("\"cancelled by support\"");
        TerminateWorkflow second = (TerminateWorkflow) only(control, withoutReason).value().getAction();
        assertThat(second.getReason()).isNull();
        assertThat(second.getOutput()).isNull();
    }

    @Test
    void lifecycleVerbsWriteTheirControlRequestsKeyedByInstanceId() {
        // given
        String instanceId = "lifecycle-" + UUID.randomUUID();
        String rerunAs = "rerun-" + UUID.randomUUID();

        // when
        client.suspendWorkflow(instanceId, "maintenance");
        client.resumeWorkflow(instanceId, null);
        client.terminateWorkflow(instanceId, null, "done", false);
        String rerun = client.rerunWorkflow(instanceId, 3, rerunAs, new Order("o-9", 9));
        String randomRerun = client.rerunWorkflow(instanceId, 0, null, null);
        client.purgeWorkflow(instanceId);

        // then
        List<Object> actions = kafka.readInputs(InputKind.CONTROL, WorkflowControl.class).stream()
                .filter(r -> r.key().equals(instanceId)).map(r -> r.value().getAction()).toList();
        assertThat(actions).hasSize(6);
        assertThat(actions.get(0)).isEqualTo(new SuspendWorkflow("maintenance"));
        assertThat(actions.get(1)).isEqualTo(new ResumeWorkflow(null));
        assertThat(((TerminateWorkflow) actions.get(2)).getRecursive()).isFalse();
        RerunWorkflow first = (RerunWorkflow) actions.get(3);
        assertThat(rerun).isEqualTo(rerunAs);
        assertThat(first.getFromEventId()).isEqualTo(3);
        assertThat(first.getNewInstanceId()).isEqualTo(rerunAs);
        assertThat(text(first.getInput())).isEqualTo("{\"orderId\":\"o-9\",\"amount\":9}");
        RerunWorkflow second = (RerunWorkflow) actions.get(4);
        assertThat(second.getNewInstanceId()).isEqualTo(randomRerun).isNotBlank().isNotEqualTo(instanceId);
        assertThat(second.getInput()).isNull();
        assertThat(actions.get(5)).isEqualTo(new PurgeWorkflow(true));
    }

    @Test
    void aRerunFromANegativeEventOrOntoItsOwnIdIsRejectedBeforeAnythingIsSent() {
        String instanceId = "rerun-bad-" + UUID.randomUUID();

        assertThatThrownBy(() -> client.rerunWorkflow(instanceId, -1, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a history event id >= 0 to rerun instance " + instanceId + " from, but found -1");
        assertThatThrownBy(() -> client.rerunWorkflow(instanceId, 0, instanceId, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a new instance id for the rerun of instance " + instanceId + ", but found the source's own id");
        assertThat(kafka.readInputs(InputKind.CONTROL, WorkflowControl.class)).noneMatch(r -> r.key().equals(instanceId));
    }

    @Test
    void readsThatOnlyTheHttpApiAnswersNeedOrchestratorUrls() {
        assertThatThrownBy(() -> client.listInstances(WorkflowInstanceQuery.all()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Expected orchestrator URLs (WorkflowClient.Builder.orchestratorUrls) to list instances, but none are configured");
        assertThatThrownBy(() -> client.getHistory("any"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("to read a history");
        assertThatThrownBy(() -> kafka.clientBuilder().orchestratorUrls("localhost:7070").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected an orchestrator URL such as http://localhost:7070, but found 'localhost:7070'");
    }

    @Test
    void invalidInstanceIdsAreRejectedBeforeAnythingIsSent() {
        String marker = "valid-" + UUID.randomUUID();

        assertThatThrownBy(() -> client.scheduleNewWorkflow("payment", 1, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank instance id, but found ' '");
        assertThatThrownBy(() -> client.scheduleNewWorkflow("payment", 1, "order/1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Expected an instance id without '/'")
                .hasMessageContaining("found one at index 5 of 'order/1'");
        assertThatThrownBy(() -> client.scheduleNewWorkflow("payment", 1, "order\n1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected an instance id without control characters, but found U+000A at index 5 of 'order?1'");
        assertThatThrownBy(() -> client.scheduleNewWorkflow("payment", 1, "x".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Expected an instance id of at most 200 characters, but found 201 characters");
        assertThatThrownBy(() -> client.raiseEvent(null, "approved", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank instance id, but found null");
        assertThatThrownBy(() -> client.terminateWorkflow("", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank instance id, but found ''");
        client.scheduleNewWorkflow("payment", 1, marker);

        // the valid start was written after the invalid ones, so everything before it is on the topic
        assertThat(kafka.readInputs(InputKind.START, StartWorkflow.class))
                .noneMatch(r -> r.key().isBlank() || r.key().contains("/") || r.key().contains("\n") || r.key().length() > 200)
                .anyMatch(r -> r.key().equals(marker));
        assertThat(kafka.readInputs(InputKind.EVENT, ExternalEvent.class)).noneMatch(r -> r.key() == null);
        assertThat(kafka.readInputs(InputKind.CONTROL, WorkflowControl.class)).noneMatch(r -> r.key().isEmpty());
    }

    @Test
    void blankNamesAreRejectedBeforeAnythingIsSent() {
        String instanceId = "names-" + UUID.randomUUID();

        assertThatThrownBy(() -> client.scheduleNewWorkflow("  ", 1, instanceId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank workflow name, but found '  '");
        assertThatThrownBy(() -> client.raiseEvent(instanceId, null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank event name, but found null");

        assertThat(kafka.readInputs(InputKind.START, StartWorkflow.class)).noneMatch(r -> r.key().equals(instanceId));
        assertThat(kafka.readInputs(InputKind.EVENT, ExternalEvent.class)).noneMatch(r -> r.key().equals(instanceId));
    }

    @Test
    void oversizedPayloadsAreRejectedBeforeAnythingIsSent() {
        String instanceId = "big-" + UUID.randomUUID();
        String big = "x".repeat(2_000_121); // 2,000,123 bytes once quoted as JSON

        assertThatThrownBy(() -> client.scheduleNewWorkflow("payment", big, instanceId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected an input of at most 1048576 bytes for workflow 'payment' (instance "
                        + instanceId + "), but found 2000123 bytes");
        assertThatThrownBy(() -> client.raiseEvent(instanceId, "approved", big))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a payload of at most 1048576 bytes for event 'approved' (instance "
                        + instanceId + "), but found 2000123 bytes");
        assertThatThrownBy(() -> client.terminateWorkflow(instanceId, big))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected an output of at most 1048576 bytes for the termination of instance "
                        + instanceId + ", but found 2000123 bytes");

        assertThat(kafka.readInputs(InputKind.START, StartWorkflow.class)).noneMatch(r -> r.key().equals(instanceId));
        assertThat(kafka.readInputs(InputKind.EVENT, ExternalEvent.class)).noneMatch(r -> r.key().equals(instanceId));
        assertThat(kafka.readInputs(InputKind.CONTROL, WorkflowControl.class)).noneMatch(r -> r.key().equals(instanceId));
    }

    @Test
    void payloadsUpToALowerConfiguredLimitAreWritten() {
        try (WorkflowClient small = kafka.clientBuilder().maxPayloadBytes(10).build()) {
            String instanceId = small.scheduleNewWorkflow("payment", "12345678"); // 10 bytes as JSON

            assertThat(only(kafka.readInputs(InputKind.START, StartWorkflow.class), instanceId)).isNotNull();
            assertThatThrownBy(() -> small.scheduleNewWorkflow("payment", "123456789"))
                    .hasMessageContaining("at most 10 bytes").hasMessageEndingWith("but found 11 bytes");
        }
    }

    @Test
    void callsAfterCloseAreRejected() {
        WorkflowClient closed = kafka.clientBuilder().build();
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.scheduleNewWorkflow("payment", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Expected an open WorkflowClient, but it was closed");
    }

    private static <T> ConsumerRecord<String, T> only(List<ConsumerRecord<String, T>> records, String key) {
        List<ConsumerRecord<String, T>> matching = records.stream().filter(r -> key.equals(r.key())).toList();
        assertThat(matching).as("records keyed %s", key).hasSize(1);
        return matching.get(0);
    }

    private static String text(Payload payload) {
        byte[] bytes = new byte[payload.getData().remaining()];
        payload.getData().duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

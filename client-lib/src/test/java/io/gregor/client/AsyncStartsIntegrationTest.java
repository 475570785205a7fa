package io.gregor.client;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.StartWorkflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous and batch writes against the real broker and registry: hundreds of starts in
 * flight from one thread each reach the orchestrator's inbox exactly once (none lost, none
 * doubled), and events raised without waiting keep their order.
 */
class AsyncStartsIntegrationTest {

    private static final int STARTS = 500;

    private static KafkaFixture kafka;
    private static WorkflowClient client;

    @BeforeAll
    static void startClient() {
        kafka = KafkaFixture.withFreshTopics("client-async");
        client = kafka.clientBuilder().build();
    }

    @AfterAll
    static void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aBatchOf500StartsWritesEveryOneExactlyOnceAndReturnsTheIdsInOrder() {
        // given
        String run = "batch-" + UUID.randomUUID() + "-";
        List<NewWorkflowRequest> requests = IntStream.range(0, STARTS)
                .mapToObj(i -> NewWorkflowRequest.of("payment", i, run + i)).toList();

        // when
        List<String> ids = client.scheduleNewWorkflows(requests).join();

        // then
        assertThat(ids).isEqualTo(requests.stream().map(NewWorkflowRequest::instanceId).toList());
        assertWrittenOnceEach(startsPerInstance(run), ids);
    }

    @Test
    void fiveHundredAsyncStartsFromOneThreadAreEachWrittenExactlyOnceWithTheirInput() {
        // given
        String run = "async-" + UUID.randomUUID() + "-";

        // when every start is handed over before any is awaited
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            futures.add(client.scheduleNewWorkflowAsync("payment", i, run + i));
        }
        List<String> ids = futures.stream().map(CompletableFuture::join).toList();

        // then
        assertThat(ids).containsExactlyElementsOf(IntStream.range(0, STARTS).mapToObj(i -> run + i).toList());
        assertWrittenOnceEach(startsPerInstance(run), ids);
        assertThat(kafka.readInputs(InputKind.START, StartWorkflow.class)).filteredOn(r -> r.key().equals(run + 42))
                .singleElement().satisfies(r -> assertThat(r.value().getInput().getData().remaining()).isEqualTo(2));
    }

    @Test
    void startsByClassWithRandomIdsGetDistinctIdsWrittenOnce() {
        // when
        List<CompletableFuture<String>> futures = IntStream.range(0, 50)
                .mapToObj(i -> client.scheduleNewWorkflowAsync(WorkflowClientWritesTest.OrderWorkflow.class, i)).toList();
        List<String> ids = futures.stream().map(CompletableFuture::join).toList();

        // then
        Map<String, Long> starts = kafka.readInputs(InputKind.START, StartWorkflow.class).stream()
                .filter(r -> ids.contains(r.key()))
                .peek(r -> assertThat(r.value().getWorkflowName()).isEqualTo("OrderWorkflow"))
                .collect(groupingBy(ConsumerRecord::key, counting()));
        assertWrittenOnceEach(starts, ids);
    }

    @Test
    void eventsRaisedWithoutWaitingReachTheInstanceOnceEachInTheOrderRaised() {
        // given
        String instanceId = "events-" + UUID.randomUUID();

        // when
        List<CompletableFuture<Void>> raised = IntStream.range(0, 200)
                .mapToObj(i -> client.raiseEventAsync(instanceId, "tick-" + i, i)).toList();
        CompletableFuture.allOf(raised.toArray(CompletableFuture[]::new)).join();

        // then
        List<String> names = kafka.readInputs(InputKind.EVENT, ExternalEvent.class).stream()
                .filter(r -> r.key().equals(instanceId)).map(r -> r.value().getName()).toList();
        assertThat(names).containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "tick-" + i).toList());
    }

    @Test
    void aBatchWithOneInvalidRequestIsRejectedBeforeAnyStartIsSent() {
        // given a batch whose last input is larger than the client accepts
        String run = "invalid-" + UUID.randomUUID() + "-";
        List<NewWorkflowRequest> requests = List.of(NewWorkflowRequest.of("payment", 1, run + 1),
                NewWorkflowRequest.of("payment", "x".repeat(2_000_000), run + 2));

        // then
        assertThatThrownBy(() -> client.scheduleNewWorkflows(requests)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Expected an input of at most 1048576 bytes for workflow 'payment' (instance " + run + 2);
        assertThatThrownBy(() -> NewWorkflowRequest.of("payment", 1, "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.scheduleNewWorkflowAsync(" ", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a non-blank workflow name, but found ' '");
        client.scheduleNewWorkflow("payment", 1, run + "marker"); // written after them, so they would be on the topic by now
        assertThat(startsPerInstance(run)).containsOnlyKeys(run + "marker");
    }

    private static Map<String, Long> startsPerInstance(String run) {
        return kafka.readInputs(InputKind.START, StartWorkflow.class).stream().filter(r -> r.key().startsWith(run))
                .collect(groupingBy(ConsumerRecord::key, counting()));
    }

    /** Every id's start is in the inbox exactly once, and no other start of the run is. */
    private static void assertWrittenOnceEach(Map<String, Long> startsPerInstance, List<String> ids) {
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids.stream().filter(id -> !startsPerInstance.containsKey(id)).toList()).as("starts lost").isEmpty();
        assertThat(startsPerInstance.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("starts written more than once").isEmpty();
        assertThat(startsPerInstance).hasSameSizeAs(ids);
    }
}

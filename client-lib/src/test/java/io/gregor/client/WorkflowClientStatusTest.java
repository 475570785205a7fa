package io.gregor.client;

import static io.gregor.client.StatusPublisher.failure;
import static io.gregor.client.StatusPublisher.json;
import static io.gregor.client.StatusPublisher.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client's status view, fed by a stand-in orchestrator that publishes status records transactionally. */
class WorkflowClientStatusTest {

    /** The output of the payment workflow. */
    public record Receipt(String orderId, int amount, boolean paid) {
    }

    private static KafkaFixture kafka;
    private static StatusPublisher orchestrator;
    private static WorkflowClient client;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.withFreshTopics("client-status");
        orchestrator = new StatusPublisher(kafka);
        client = kafka.clientBuilder().build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void unknownInstanceHasNoState() {
        assertThat(client.getInstanceState("never-started-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void stateReflectsEveryStatusImmediatelyAfterItWasPublished() {
        String instanceId = "ryw-" + UUID.randomUUID();
        for (int step = 1; step <= 15; step++) {
            // given the orchestrator just committed a new status
            orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, step, step).build());

            // when the client reads right away, then it sees that status and not an earlier one
            WorkflowInstanceState state = client.getInstanceState(instanceId).orElseThrow();
            assertThat(state.getHistoryLength()).isEqualTo(step);
        }
    }

    @Test
    void stateExposesTheStatusRecord() {
        String instanceId = "fields-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.COMPLETED, 5, 9)
                .setOutput(json("{\"orderId\":\"o-1\",\"amount\":42,\"paid\":true}"))
                .setCustomStatus(json("\"charged\""))
                .build());

        WorkflowInstanceState state = client.getInstanceState(instanceId).orElseThrow();

        assertThat(state.getInstanceId()).isEqualTo(instanceId);
        assertThat(state.getName()).isEqualTo("payment");
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.getCreatedAt()).isEqualTo(StatusPublisher.T0);
        assertThat(state.getLastUpdatedAt()).isEqualTo(StatusPublisher.T0.plusSeconds(5));
        assertThat(state.getHistoryLength()).isEqualTo(9);
        assertThat(state.readOutputAs(Receipt.class)).isEqualTo(new Receipt("o-1", 42, true));
        assertThat(state.getSerializedInput()).isEqualTo("{\"orderId\":\"o-1\",\"amount\":42}");
        assertThat(state.getSerializedOutput()).isEqualTo("{\"orderId\":\"o-1\",\"amount\":42,\"paid\":true}");
        assertThat(state.readCustomStatusAs(String.class)).isEqualTo("charged");
        assertThat(state.getFailureDetails()).isNull();
        assertThat(state.isCompleted()).isTrue();
        assertThat(state.isRunning()).isFalse();
    }

    @Test
    void failureDetailsAreMapped() {
        String instanceId = "failed-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.FAILED, 3, 4)
                .setFailure(failure("java.lang.IllegalStateException", "card declined")).build());

        WorkflowInstanceState state = client.getInstanceState(instanceId).orElseThrow();

        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
        assertThat(state.getFailureDetails()).isEqualTo(new FailureDetails("java.lang.IllegalStateException",
                "card declined", "at Payment.charge(Payment.java:12)", true));
        assertThat(state.getFailureDetails().isCausedBy(RuntimeException.class)).isTrue();
    }

    @Test
    void anOlderStatusDoesNotReplaceANewerOne() {
        // given a newer status, then a late record of an earlier step
        String instanceId = "late-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.COMPLETED, 20, 8).build());
        orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, 10, 5).build());

        // then the newer one is kept
        WorkflowInstanceState state = client.getInstanceState(instanceId).orElseThrow();
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.getHistoryLength()).isEqualTo(8);
    }

    @Test
    void waitForInstanceCompletionReturnsWhenTheOrchestratorPublishesATerminalStatusLater() throws Exception {
        // given a running instance
        String instanceId = "wait-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, 1, 2).build());
        assertThat(client.getInstanceState(instanceId).orElseThrow().isRunning()).isTrue();

        // when another thread publishes its completion after this thread started waiting
        CompletableFuture<Void> completion = CompletableFuture.runAsync(() -> {
            orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, 2, 4).build());
            orchestrator.publish(status(instanceId, RuntimeStatus.COMPLETED, 3, 6)
                    .setOutput(json("{\"orderId\":\"o-1\",\"amount\":42,\"paid\":true}")).build());
        }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        WorkflowInstanceState state = client.waitForInstanceCompletion(instanceId, Duration.ofSeconds(30));

        // then the wait returns the terminal state, not the intermediate one
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(Receipt.class)).isEqualTo(new Receipt("o-1", 42, true));
        completion.get(30, TimeUnit.SECONDS);
    }

    @Test
    void waitForInstanceCompletionTimesOutNamingTheLastStatus() {
        String instanceId = "slow-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, 1, 2).build());

        assertThatThrownBy(() -> client.waitForInstanceCompletion(instanceId, Duration.ofMillis(300)))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("Expected instance " + instanceId
                        + " to reach a terminal status within PT0.3S, but it is still RUNNING");
    }

    @Test
    void waitForInstanceStartReturnsTheFirstStatusAndTimesOutForUnknownInstances() throws Exception {
        String started = "started-" + UUID.randomUUID();
        String unknown = "unknown-" + UUID.randomUUID();
        CompletableFuture.runAsync(() -> orchestrator.publish(status(started, RuntimeStatus.RUNNING, 1, 1).build()),
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));

        assertThat(client.waitForInstanceStart(started, Duration.ofSeconds(30)).getRuntimeStatus())
                .isEqualTo(WorkflowRuntimeStatus.RUNNING);
        assertThatThrownBy(() -> client.waitForInstanceStart(unknown, Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("Expected instance " + unknown + " to start within PT0.2S, but found no status for it");
    }

    @Test
    void concurrentReadersEachSeeTheirOwnWrites() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int reader = 0; reader < 4; reader++) {
                String instanceId = "concurrent-" + reader + "-" + UUID.randomUUID();
                readers.add(CompletableFuture.runAsync(() -> {
                    for (int step = 1; step <= 5; step++) {
                        orchestrator.publish(status(instanceId, RuntimeStatus.RUNNING, step, step).build());
                        assertThat(client.getInstanceState(instanceId).orElseThrow().getHistoryLength()).isEqualTo(step);
                    }
                }, threads));
            }

            CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTombstoneRemovesThePurgedInstance() {
        String instanceId = "purged-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.COMPLETED, 1, 3).build());
        assertThat(client.getInstanceState(instanceId)).isPresent();

        orchestrator.purge(instanceId);

        assertThat(client.getInstanceState(instanceId)).isEmpty();
    }

    @Test
    void anUnreadableStatusRecordIsSkippedAndLaterRecordsAreStillRead() {
        String broken = "broken-" + UUID.randomUUID();
        String healthy = "healthy-" + UUID.randomUUID();

        orchestrator.publishGarbage(broken);
        orchestrator.publish(status(healthy, RuntimeStatus.RUNNING, 1, 1).build());

        assertThat(client.getInstanceState(broken)).isEmpty();
        assertThat(client.getInstanceState(healthy)).isPresent();
    }

    @Test
    void aSecondClientReadsTheWholeTopicFromTheBeginning() {
        String instanceId = "history-" + UUID.randomUUID();
        orchestrator.publish(status(instanceId, RuntimeStatus.TERMINATED, 7, 3).build());

        try (WorkflowClient fresh = kafka.clientBuilder().build()) {
            assertThat(fresh.getInstanceState(instanceId).orElseThrow().getRuntimeStatus())
                    .isEqualTo(WorkflowRuntimeStatus.TERMINATED);
        }
    }

    @Test
    void readsFailClearlyWhenTheStatusTopicDoesNotExist() {
        try (WorkflowClient lost = kafka.clientBuilder().topicPrefix("no-such-prefix-" + UUID.randomUUID()).build()) {
            assertThatThrownBy(() -> lost.getInstanceState("any"))
                    .isInstanceOf(WorkflowClientException.class)
                    .hasMessageStartingWith("Expected status topic no-such-prefix-")
                    .hasMessageContaining("to exist, but found no partitions for it");
        }
    }
}

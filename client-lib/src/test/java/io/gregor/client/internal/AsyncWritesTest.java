package io.gregor.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous and batch writes complete with the broker's acknowledgement, report a failed
 * send with the instance and the topic, and back the synchronous writes, whose exceptions stay
 * unwrapped. The producer is Kafka's {@link MockProducer}, acknowledging or failing each record on
 * the test's command; writes against the real broker are in AsyncStartsIntegrationTest.
 */
class AsyncWritesTest {

    private final Topics topics = new Topics("async-" + UUID.randomUUID().toString().substring(0, 8));
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final SchemaRegistryClient registry = SchemaRegistryClient.forUrl("mock://" + topics.prefix());
    private final WorkflowWrites writes = writes(Duration.ofSeconds(30));

    @AfterEach
    void close() {
        writes.close();
        registry.close();
    }

    @Test
    void anAsyncStartCompletesWithItsIdOnlyOnceTheBrokerAcknowledgedIt() {
        // when
        CompletableFuture<String> start = writes.startAsync("payment", "order-1", null, null, null);

        // then the record is with the producer, but the future waits for the ack
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(topics.inbox());
            assertThat(r.key()).isEqualTo("order-1");
        });
        assertThat(start).isNotDone();
        producer.completeNext();
        assertThat(start).isCompletedWithValue("order-1");
    }

    @Test
    void aFailedSendCompletesTheFutureExceptionallyNamingTheInstanceAndTheTopic() {
        // given
        CompletableFuture<String> start = writes.startAsync("payment", "order-2", null, null, null);
        CompletableFuture<Void> event = writes.raiseEventAsync("order-2", "approved", null);

        // when the broker refuses both
        producer.errorNext(new NotEnoughReplicasException("2 replicas needed"));
        producer.errorNext(new NotEnoughReplicasException("2 replicas needed"));

        // then
        assertThat(start.handle((id, e) -> e).join()).as("what a caller's handle() sees")
                .isInstanceOf(WorkflowClientException.class);
        assertThatThrownBy(start::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(WorkflowClientException.class)
                .hasMessage("Expected the broker to acknowledge the start of workflow 'payment' (instance order-2) on topic "
                        + topics.inbox() + ", but the write failed: "
                        + "org.apache.kafka.common.errors.NotEnoughReplicasException: 2 replicas needed")
                .hasCauseInstanceOf(NotEnoughReplicasException.class);
        assertThatThrownBy(event::join).cause().isInstanceOf(WorkflowClientException.class)
                .hasMessageStartingWith("Expected the broker to acknowledge event 'approved' for instance order-2 on topic "
                        + topics.inbox() + ", but the write failed");
    }

    @Test
    void theSynchronousStartThrowsTheFailureOfItsFutureUnwrapped() throws Exception {
        // given a start waiting for its ack on another thread
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                writes.start("payment", "order-3", null, null, null);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        while (producer.history().isEmpty()) {
            Thread.onSpinWait();
        }

        // when the broker refuses it
        producer.errorNext(new NotEnoughReplicasException("2 replicas needed"));
        caller.join();

        // then the caller gets the WorkflowClientException itself, as before the async path existed
        assertThat(thrown.get()).isInstanceOf(WorkflowClientException.class)
                .hasMessageStartingWith("Expected the broker to acknowledge the start of workflow 'payment' (instance order-3)");
    }

    @Test
    void aWriteNotAcknowledgedWithinTheTimeoutFailsSayingItMayStillBeWritten() {
        try (WorkflowWrites impatient = writes(Duration.ofMillis(50))) {
            CompletableFuture<String> start = impatient.startAsync("payment", "order-4", null, null, null);

            assertThatThrownBy(start::join).cause().isInstanceOf(WorkflowClientException.class)
                    .hasMessage("Expected the broker to acknowledge the start of workflow 'payment' (instance order-4) on topic "
                            + topics.inbox() + " within PT0.05S, but it did not (the record may still be written)");
            assertThatThrownBy(() -> impatient.start("payment", "order-5", null, null, null))
                    .isInstanceOf(WorkflowClientException.class).hasMessageContaining("(instance order-5)")
                    .hasMessageContaining("within PT0.05S");
        }
    }

    @Test
    void aBatchSendsEveryStartAtOnceAndCompletesWithTheIdsInOrderWhenAllAreAcknowledged() {
        // when
        CompletableFuture<List<String>> batch = writes.startAll(List.of(start("b-1"), start("b-2"), start("b-3")));

        // then all three are with the producer before any ack
        assertThat(producer.history()).extracting(r -> r.key()).containsExactly("b-1", "b-2", "b-3");
        producer.completeNext();
        producer.completeNext();
        assertThat(batch).isNotDone();
        producer.completeNext();
        assertThat(batch).isCompletedWithValue(List.of("b-1", "b-2", "b-3"));
    }

    @Test
    void aBatchWithAFailedStartFailsOnlyOnceEveryWriteEndedAndNamesTheFailedInstance() {
        // given
        CompletableFuture<List<String>> batch = writes.startAll(List.of(start("f-1"), start("f-2"), start("f-3")));

        // when the second start fails
        producer.completeNext();
        producer.errorNext(new NotEnoughReplicasException("2 replicas needed"));
        assertThat(batch).isNotDone();
        producer.completeNext();

        // then the batch fails, naming the one start that failed
        assertThat(batch).isCompletedExceptionally();
        assertThatThrownBy(batch::join).cause().isInstanceOf(WorkflowClientException.class)
                .hasMessageStartingWith("Expected the broker to acknowledge all 3 starts of the batch, but 1 failed (the others "
                        + "are written): Expected the broker to acknowledge the start of workflow 'payment' (instance f-2) on topic "
                        + topics.inbox())
                .cause().isInstanceOf(WorkflowClientException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
        assertThat(batch.handle((ids, e) -> e).join()).as("what a caller's handle() sees")
                .isInstanceOf(WorkflowClientException.class);
    }

    @Test
    void aBatchWithAnInvalidOrRepeatedStartSendsNothing() {
        assertThatThrownBy(() -> writes.startAll(List.of(start("d-1"), start("d-2"), start("d-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected distinct instance ids in a batch of starts, but found d-1 at positions 0 and 2");
        assertThatThrownBy(() -> writes.startAll(List.of(start("v-1"), start("v/2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without '/'");

        assertThat(producer.history()).isEmpty();
    }

    @Test
    void anEmptyBatchCompletesAtOnce() {
        assertThat(writes.startAll(List.of())).isCompletedWithValue(List.of());
    }

    private WorkflowWrites writes(Duration timeout) {
        return new WorkflowWrites(new RecordWriter(producer, registry, timeout), topics, 1024);
    }

    private static WorkflowWrites.Start start(String instanceId) {
        return new WorkflowWrites.Start("payment", instanceId, null);
    }
}

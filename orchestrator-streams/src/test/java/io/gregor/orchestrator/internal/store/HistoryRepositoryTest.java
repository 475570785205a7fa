package io.gregor.orchestrator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryRepositoryTest {
    private final AvroSerde<HistoryBatch> serde = new AvroSerde<>(new InMemorySchemaRegistryClient(), HistoryBatch.class);
    private KeyValueStore<Bytes, byte[]> store;
    private HistoryRepository history;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HistoryRepository.STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        history = new HistoryRepository(store, serde);
    }

    @Test
    void eachStepIsOneRecordAndTheHistoryReadsBackInOrder() {
        // given two steps of one instance and one of another whose id shares a prefix
        history.append("wf-1", 0, List.of(event(new WorkflowStarted("Chain", null)), scheduled(0)));
        history.append("wf-10", 0, List.of(event(new WorkflowStarted("Other", null))));
        history.append("wf-1", 2, List.of(event(new TaskCompleted(0, null)), scheduled(1)));

        // then
        assertThat(store.approximateNumEntries()).isEqualTo(3);
        assertThat(history.load("wf-1")).extracting(e -> e.getEvent().getClass().getSimpleName())
                .containsExactly("WorkflowStarted", "TaskScheduled", "TaskCompleted", "TaskScheduled");
        assertThat(history.length("wf-1")).isEqualTo(4);
        assertThat(history.length("wf-10")).isEqualTo(1);
        assertThat(history.length("wf-2")).isZero();
        assertThat(history.load("wf-2")).isEmpty();
    }

    @Test
    void aHugeStepIsSplitIntoRecordsOfBoundedSize() {
        // given a step that schedules a fan-out larger than one record may hold
        int width = HistoryRepository.MAX_EVENTS_PER_RECORD * 2 + 7;
        List<HistoryEvent> fanOut = new ArrayList<>();
        fanOut.add(event(new WorkflowStarted("Fan", null)));
        IntStream.range(0, width).forEach(i -> fanOut.add(scheduled(i)));

        // when
        history.append("fan", 0, fanOut);
        history.append("fan", width + 1, List.of(event(new TaskCompleted(3, null))));

        // then
        assertThat(store.approximateNumEntries()).isEqualTo(4);
        assertThat(history.length("fan")).isEqualTo(width + 2);
        List<HistoryEvent> loaded = history.load("fan");
        assertThat(loaded).hasSize(width + 2);
        assertThat(((TaskScheduled) loaded.get(width).getEvent()).getTaskId()).isEqualTo(width - 1);
    }

    @Test
    void aRecordThatDoesNotContinueTheHistoryIsReportedWithItsSequence() {
        // given a record whose key claims more events than it holds
        history.append("wf-1", 0, List.of(event(new WorkflowStarted("Chain", null))));
        store.put(StoreKeys.history("wf-1", 5), serde.serialize(HistoryRepository.STORE, new HistoryBatch(List.of(scheduled(0)))));

        // then
        assertThatThrownBy(() -> history.load("wf-1")).isInstanceOf(IllegalStateException.class)
                .hasMessage("Expected the history record of instance wf-1 after sequence 0 to end at sequence 1 (1 events),"
                        + " but its key says 5");
    }

    private static HistoryEvent scheduled(int taskId) {
        return event(new TaskScheduled(taskId, "Echo", null, 1, null, null, null, null, null));
    }

    private static HistoryEvent event(Object body) {
        return new HistoryEvent(Instant.ofEpochMilli(1_000), body);
    }
}

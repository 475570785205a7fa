package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads instance histories (store {@value HistoryRepository#STORE}, layout described there): what
 * the processor's {@link HistoryRepository} reads with, and what queries read through Kafka
 * Streams' read-only store views.
 */
public final class HistoryReader {

    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<HistoryBatch> serde;

    /** @param store the store, read-only @param serde value serde */
    public HistoryReader(ReadOnlyKeyValueStore<Bytes, byte[]> store, AvroSerde<HistoryBatch> serde) {
        this.store = store;
        this.serde = serde;
    }

    /**
     * @param instanceId the instance
     * @return how many events its history holds (0 for none), from the key of its newest record
     */
    public int length(String instanceId) {
        try (KeyValueIterator<Bytes, byte[]> it = newestFirst(instanceId)) {
            return it.hasNext() ? StoreKeys.historySequence(it.peekNextKey()) + 1 : 0;
        }
    }

    /**
     * @param instanceId the instance
     * @return the timestamp of its newest history event, or null if it has none
     */
    public Instant lastRecordedAt(String instanceId) {
        try (KeyValueIterator<Bytes, byte[]> it = newestFirst(instanceId)) {
            return it.hasNext() ? serde.deserialize(HistoryRepository.STORE, it.next().value).getEvents().getLast().getTimestamp() : null;
        }
    }

    /**
     * @param instanceId the instance
     * @return its events in sequence order, checked to be gap-free
     * @throws IllegalStateException if a record does not continue where the previous one ended
     */
    public List<HistoryEvent> load(String instanceId) {
        List<HistoryEvent> events = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(StoreKeys.history(instanceId, 0),
                StoreKeys.history(instanceId, Integer.MAX_VALUE))) {
            while (it.hasNext()) {
                var entry = it.next();
                List<HistoryEvent> batch = serde.deserialize(HistoryRepository.STORE, entry.value).getEvents();
                int last = StoreKeys.historySequence(entry.key);
                if (last != events.size() + batch.size() - 1) {
                    throw new IllegalStateException("Expected the history record of instance " + instanceId + " after sequence "
                            + (events.size() - 1) + " to end at sequence " + (events.size() + batch.size() - 1) + " (" + batch.size()
                            + " events), but its key says " + last);
                }
                events.addAll(batch);
            }
        }
        return events;
    }

    private KeyValueIterator<Bytes, byte[]> newestFirst(String instanceId) {
        return store.reverseRange(StoreKeys.history(instanceId, 0), StoreKeys.history(instanceId, Integer.MAX_VALUE));
    }
}

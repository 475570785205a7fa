package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Instance histories in store {@value #STORE}: the events of one step are one record, keyed by
 * (instance id, sequence number of the step's last event). A step therefore adds one changelog
 * record, however many events it recorded, and never rewrites an older one, so it costs the
 * same at event 10 and at event 20,000. The key of an instance's newest record says how long its
 * history is without reading any value.
 */
public final class HistoryRepository {
    /** The store's name; its changelog is the durable history of every instance. */
    public static final String STORE = "gregor-history";
    /**
     * The most events in one record: a step that schedules a 100,000-task fan-out must not
     * produce a record over the broker's message size limit.
     */
    static final int MAX_EVENTS_PER_RECORD = 500;

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<HistoryBatch> serde;
    private final HistoryReader reader;

    /** @param store the underlying store @param serde value serde */
    public HistoryRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<HistoryBatch> serde) {
        this.store = store;
        this.serde = serde;
        this.reader = new HistoryReader(store, serde);
    }

    /**
     * Records the events of one step.
     *
     * @param instanceId    the instance
     * @param firstSequence the sequence number of the first event, i.e. the history's length before the step
     * @param events        the step's events, in order (nothing is written for none)
     */
    public void append(String instanceId, int firstSequence, List<HistoryEvent> events) {
        for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_RECORD) {
            List<HistoryEvent> chunk = events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_RECORD));
            int last = firstSequence + from + chunk.size() - 1;
            store.put(StoreKeys.history(instanceId, last), serde.serialize(STORE, new HistoryBatch(new ArrayList<>(chunk))));
        }
    }

    /**
     * @param instanceId the instance
     * @return how many events its history holds (0 for none), from the key of its newest record
     */
    public int length(String instanceId) {
        return reader.length(instanceId);
    }

    /**
     * Deletes an instance's whole history: one tombstone per record, so the compacted changelog
     * forgets it.
     *
     * @param instanceId the instance
     * @return how many records were deleted
     */
    public int deleteAll(String instanceId) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(StoreKeys.history(instanceId, 0),
                StoreKeys.history(instanceId, Integer.MAX_VALUE))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
        return keys.size();
    }

    /**
     * @param instanceId the instance
     * @return its events in sequence order, checked to be gap-free
     * @throws IllegalStateException if a record does not continue where the previous one ended
     */
    public List<HistoryEvent> load(String instanceId) {
        return reader.load(instanceId);
    }
}

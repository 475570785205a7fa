package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Instance histories, one entry per event keyed by (instance id, sequence number) in store
 * {@value #STORE}. Appending writes one small record, never the whole history, so a step costs
 * the same at event 10 and at event 20,000.
 */
public final class HistoryRepository {
    /** The store's name; its changelog is the durable history of every instance. */
    public static final String STORE = "gregor-history";

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<HistoryEvent> serde;

    /** @param store the underlying store @param serde value serde */
    public HistoryRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<HistoryEvent> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** @param instanceId the instance @param sequence the event's position @param event the event */
    public void append(String instanceId, int sequence, HistoryEvent event) {
        store.put(StoreKeys.history(instanceId, sequence), serde.serialize(STORE, event));
    }

    /**
     * @param instanceId the instance
     * @param length     how many events it has
     * @return its events in sequence order
     */
    public List<HistoryEvent> load(String instanceId, int length) {
        List<HistoryEvent> events = new ArrayList<>(length);
        try (KeyValueIterator<Bytes, byte[]> it = store.range(StoreKeys.history(instanceId, 0), StoreKeys.history(instanceId, Integer.MAX_VALUE))) {
            while (it.hasNext()) {
                events.add(serde.deserialize(STORE, it.next().value));
            }
        }
        if (events.size() != length) {
            throw new IllegalStateException("Expected " + length + " history events for instance " + instanceId + ", but found "
                    + events.size());
        }
        return events;
    }
}

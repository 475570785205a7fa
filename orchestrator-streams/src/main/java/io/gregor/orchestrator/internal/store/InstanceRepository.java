package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.serde.AvroSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Instance metadata by instance id (store {@value #STORE}). */
public final class InstanceRepository {
    /** The store's name; its changelog is the durable record of every instance. */
    public static final String STORE = "gregor-instances";

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<InstanceMetadata> serde;
    private final InstanceReader reader;

    /** @param store the underlying store @param serde value serde */
    public InstanceRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<InstanceMetadata> serde) {
        this.store = store;
        this.serde = serde;
        this.reader = new InstanceReader(store, serde);
    }

    /** @param instanceId the id @return its metadata, or null */
    public InstanceMetadata get(String instanceId) {
        return reader.get(instanceId);
    }

    /** @param instanceId the instance whose metadata is deleted (a tombstone in the changelog) */
    public void delete(String instanceId) {
        store.delete(StoreKeys.instance(instanceId));
    }

    /**
     * Reads every instance once (metrics count them from here on as their status changes).
     *
     * @return the number of instances stored, by status, indexed by the status's ordinal
     */
    public long[] countByStatus() {
        long[] counts = new long[RuntimeStatus.values().length];
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                byte[] value = it.next().value;
                if (value != null) {
                    counts[serde.deserialize(STORE, value).getStatus().ordinal()]++;
                }
            }
        }
        return counts;
    }

    /** @param metadata the metadata to store under its instance id */
    public void put(InstanceMetadata metadata) {
        store.put(StoreKeys.instance(metadata.getInstanceId()), serde.serialize(STORE, metadata));
    }
}

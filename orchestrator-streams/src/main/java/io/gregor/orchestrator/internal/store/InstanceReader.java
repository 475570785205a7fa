package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads instance metadata (store {@value InstanceRepository#STORE}): what the processor's
 * {@link InstanceRepository} reads with, and what queries read through Kafka Streams' read-only
 * store views. Instance keys are the ids' UTF-8 bytes, so a scan visits instances in that byte
 * order, the order listings page in.
 */
public final class InstanceReader {

    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<InstanceMetadata> serde;

    /** @param store the store, read-only @param serde value serde */
    public InstanceReader(ReadOnlyKeyValueStore<Bytes, byte[]> store, AvroSerde<InstanceMetadata> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** @param instanceId the id @return its metadata, or null */
    public InstanceMetadata get(String instanceId) {
        return serde.deserialize(InstanceRepository.STORE, store.get(StoreKeys.instance(instanceId)));
    }

    /**
     * Visits instances in key order.
     *
     * @param afterInstanceId start after this id (exclusive), or null to start at the first
     * @param visitor         gets each instance; returns false to stop
     */
    public void scanAfter(String afterInstanceId, Predicate<InstanceMetadata> visitor) {
        Bytes from = afterInstanceId == null ? null : StoreKeys.instance(afterInstanceId);
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, null)) {
            while (it.hasNext()) {
                var entry = it.next();
                if (from != null && entry.key.equals(from)) {
                    continue;
                }
                if (!visitor.test(serde.deserialize(InstanceRepository.STORE, entry.value))) {
                    return;
                }
            }
        }
    }

    /**
     * The order {@link #scanAfter} visits instances in: their ids' UTF-8 bytes, unsigned.
     *
     * @param a an instance id
     * @param b another
     * @return negative, zero or positive as a sorts before, with or after b
     */
    public static int compareIds(String a, String b) {
        return Bytes.BYTES_LEXICO_COMPARATOR.compare(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

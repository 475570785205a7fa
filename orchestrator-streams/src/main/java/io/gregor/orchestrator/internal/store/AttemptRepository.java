package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.ActivityAttempt;
import io.gregor.schemas.serde.AvroSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The running activity attempts that have a timeout (store {@value #STORE}), by instance and task
 * id: their deadlines and last heartbeat. Attempts without timeouts have no entry, so an ordinary
 * step writes nothing here.
 */
public final class AttemptRepository {
    /** The store's name. */
    public static final String STORE = "gregor-activity-attempts";

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<ActivityAttempt> serde;

    /** @param store the underlying store @param serde value serde */
    public AttemptRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<ActivityAttempt> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** @return the attempt of the task, or null if it has none running with a timeout */
    public ActivityAttempt get(String instanceId, int taskId) {
        byte[] bytes = store.get(StoreKeys.attempt(instanceId, taskId));
        return bytes == null ? null : serde.deserialize(STORE, bytes);
    }

    /** @param attempt the attempt to keep (replacing the task's earlier state) */
    public void put(ActivityAttempt attempt) {
        store.put(StoreKeys.attempt(attempt.getInstanceId(), attempt.getTaskId()), serde.serialize(STORE, attempt));
    }

    /** Forgets the task's attempt. */
    public void delete(String instanceId, int taskId) {
        store.delete(StoreKeys.attempt(instanceId, taskId));
    }
}

package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Durable timers ordered by due time (store {@value #STORE}), so finding what is due is a prefix scan. */
public final class TimerRepository {
    /** The store's name. */
    public static final String STORE = "gregor-timers";

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<DurableTimer> serde;

    /** @param store the underlying store @param serde value serde */
    public TimerRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<DurableTimer> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** @param timer the timer to keep until it is due */
    public void schedule(DurableTimer timer) {
        store.put(StoreKeys.timer(timer.getFireAt().toEpochMilli(), timer.getInstanceId(), timer.getTimerId()), serde.serialize(STORE, timer));
    }

    /**
     * Removes and returns the timers due at {@code now}, earliest first.
     *
     * @param now   the current time
     * @param limit the most to take at once, so one punctuation cannot stall the stream thread
     * @return the due timers
     */
    public List<DurableTimer> takeDue(long now, int limit) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (StoreKeys.timerFireAt(next.key) > now) {
                    break;
                }
                due.add(next);
            }
        }
        List<DurableTimer> timers = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> kv : due) {
            store.delete(kv.key);
            timers.add(serde.deserialize(STORE, kv.value));
        }
        return timers;
    }
}

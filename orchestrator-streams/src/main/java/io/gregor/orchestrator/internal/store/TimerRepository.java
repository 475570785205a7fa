package io.gregor.orchestrator.internal.store;

import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Durable timers ordered by due time (store {@value #STORE}), so finding what is due is a range
 * scan from the earliest timer that may still be stored up to now.
 *
 * <p>Why the lower bound: RocksDB keeps a deleted key as a tombstone until compaction, and taken
 * timers are deleted from the front of the key order, so a scan from the first key walks over
 * every timer taken since the last compaction. With a million timers that walk, every
 * punctuation, took most of the stream thread. The bound is the due time of the last timer taken
 * (nothing earlier is left) or of an earlier one scheduled since; it starts at zero, so the first
 * scan after a restart sees everything.
 */
public final class TimerRepository {
    /** The store's name. */
    public static final String STORE = "gregor-timers";

    private final KeyValueStore<Bytes, byte[]> store;
    private final AvroSerde<DurableTimer> serde;
    private long earliestPossible;
    /** Timers stored, counted once when the task starts and kept up to date after; read by metrics scrapes. */
    private volatile long pending = -1;

    /** @param store the underlying store @param serde value serde */
    public TimerRepository(KeyValueStore<Bytes, byte[]> store, AvroSerde<DurableTimer> serde) {
        this.store = store;
        this.serde = serde;
    }

    /**
     * @return how many timers are stored: counted with one scan of the store on the first call,
     *         which must be on the stream thread, then kept by every schedule, cancel and take
     */
    public long pending() {
        if (pending < 0) {
            long count = 0;
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                for (; it.hasNext(); it.next()) {
                    count++;
                }
            }
            pending = count;
        }
        return pending;
    }

    private void counted(long change) {
        if (pending >= 0 && change != 0) {
            pending += change;
        }
    }

    /** @param timer the timer to keep until it is due */
    public void schedule(DurableTimer timer) {
        long fireAt = timer.getFireAt().toEpochMilli();
        // The key names the timer wholly, so a timer stored again is the same timer: it is counted once.
        byte[] previous = store.putIfAbsent(StoreKeys.timer(fireAt, timer.getInstanceId(), timer.getTimerId()), serde.serialize(STORE, timer));
        counted(previous == null ? 1 : 0);
        earliestPossible = Math.min(earliestPossible, fireAt);
    }

    /**
     * Removes a timer that is no longer wanted. Its key starts with its due time, so the caller
     * names it fully (from the history's TimerCreated, the execution's open timers or the
     * instance's metadata); a timer already taken because it was due is not there any more, and
     * its firing finds an instance that no longer waits for it.
     *
     * @param instanceId its instance
     * @param timerId    its id
     * @param fireAt     its due time
     */
    public void cancel(String instanceId, int timerId, long fireAt) {
        counted(store.delete(StoreKeys.timer(fireAt, instanceId, timerId)) == null ? 0 : -1);
    }

    /**
     * Removes and returns the timers due at {@code now}, earliest first.
     *
     * @param now   the current time
     * @param limit the most to take at once, so one punctuation cannot stall the stream thread
     * @return the due timers
     */
    public List<DurableTimer> takeDue(long now, int limit) {
        if (now < earliestPossible) {
            return List.of();
        }
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(StoreKeys.timersFrom(earliestPossible), StoreKeys.timersFrom(now + 1))) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> next = it.next();
                if (StoreKeys.timerFireAt(next.key) > now) {
                    break; // the bound itself, should a key ever equal it
                }
                due.add(next);
            }
        }
        List<DurableTimer> timers = new ArrayList<>(due.size());
        for (KeyValue<Bytes, byte[]> kv : due) {
            store.delete(kv.key);
            timers.add(serde.deserialize(STORE, kv.value));
        }
        counted(-due.size());
        // Everything before the last one taken is gone; with fewer than limit taken, everything up to now is.
        earliestPossible = due.size() < limit ? now + 1 : StoreKeys.timerFireAt(due.getLast().key);
        return timers;
    }
}

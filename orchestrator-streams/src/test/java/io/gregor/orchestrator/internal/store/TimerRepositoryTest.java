package io.gregor.orchestrator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimerRepositoryTest {
    private final AtomicInteger scansFromTheStart = new AtomicInteger();
    private TimerRepository timers;

    @BeforeEach
    void setUp() {
        KeyValueStore<Bytes, byte[]> inMemory = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TimerRepository.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        inMemory.init(new MockProcessorContext<>().getStateStoreContext(), inMemory);
        timers = new TimerRepository(new CountingStore(inMemory, scansFromTheStart),
                new AvroSerde<>(new InMemorySchemaRegistryClient(), DurableTimer.class));
    }

    @Test
    void dueTimersComeOutEarliestFirstAndOnlyOnce() {
        schedule("b", 200);
        schedule("a", 100);
        schedule("c", 300);

        assertThat(ids(timers.takeDue(250, 10))).containsExactly("a", "b");
        assertThat(ids(timers.takeDue(250, 10))).isEmpty();
        assertThat(ids(timers.takeDue(300, 10))).containsExactly("c");
    }

    @Test
    void aBatchLimitLeavesTheRestForTheNextTake() {
        for (int i = 0; i < 5; i++) {
            schedule("t" + i, 100 + i);
        }

        assertThat(ids(timers.takeDue(1_000, 2))).containsExactly("t0", "t1");
        assertThat(ids(timers.takeDue(1_000, 2))).containsExactly("t2", "t3");
        assertThat(ids(timers.takeDue(1_000, 2))).containsExactly("t4");
    }

    @Test
    void aTimerScheduledForEarlierThanTheLastTakeIsStillFound() {
        schedule("late", 500);
        assertThat(timers.takeDue(400, 10)).isEmpty();

        // a zero-length sleep, or a step processed late, may ask for a time already passed
        schedule("past", 50);

        assertThat(ids(timers.takeDue(450, 10))).containsExactly("past");
        assertThat(ids(timers.takeDue(500, 10))).containsExactly("late");
    }

    @Test
    void onlyTheFirstScanStartsAtTheFirstKeyWhereTakenTimersLeaveTheirTombstones() {
        schedule("a", 100);
        timers.takeDue(100, 10);
        timers.takeDue(200, 10);
        schedule("b", 300);
        timers.takeDue(300, 10);

        assertThat(scansFromTheStart.get()).isEqualTo(1);
    }

    @Test
    void pendingCountsTheStoredTimersOnceAndFollowsEverySchedulingCancellingAndTaking() {
        // given: timers stored before anyone asked
        schedule("a", 100);
        schedule("b", 200);

        // when / then
        assertThat(timers.pending()).isEqualTo(2);
        schedule("c", 300);
        schedule("c", 300); // the same timer again
        assertThat(timers.pending()).isEqualTo(3);
        timers.cancel("b", 1, 200);
        timers.cancel("gone", 1, 200); // nothing to cancel
        assertThat(timers.pending()).isEqualTo(2);
        timers.takeDue(150, 10);
        assertThat(timers.pending()).isEqualTo(1);
    }

    private void schedule(String instanceId, long fireAt) {
        timers.schedule(new DurableTimer(instanceId, 1, Instant.ofEpochMilli(fireAt)));
    }

    private static List<String> ids(List<DurableTimer> due) {
        return due.stream().map(DurableTimer::getInstanceId).toList();
    }

    /** Counts the scans that start at the very first possible timer key (due time 0), as a scan of all does. */
    private static final class CountingStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
            implements KeyValueStore<Bytes, byte[]> {
        private final AtomicInteger fromTheStart;

        CountingStore(KeyValueStore<Bytes, byte[]> inner, AtomicInteger fromTheStart) {
            super(inner);
            this.fromTheStart = fromTheStart;
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            if (from == null || StoreKeys.timerFireAt(from) == 0) {
                fromTheStart.incrementAndGet();
            }
            return wrapped().range(from, to);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> all() {
            fromTheStart.incrementAndGet();
            return wrapped().all();
        }

        @Override
        public void put(Bytes key, byte[] value) {
            wrapped().put(key, value);
        }

        @Override
        public byte[] putIfAbsent(Bytes key, byte[] value) {
            return wrapped().putIfAbsent(key, value);
        }

        @Override
        public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
            wrapped().putAll(entries);
        }

        @Override
        public byte[] delete(Bytes key) {
            return wrapped().delete(key);
        }

        @Override
        public byte[] get(Bytes key) {
            return wrapped().get(key);
        }

        @Override
        public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
            return wrapped().reverseRange(from, to);
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }
    }
}

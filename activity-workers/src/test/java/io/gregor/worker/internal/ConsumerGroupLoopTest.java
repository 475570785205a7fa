package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.worker.ConsumptionMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The commit pacing of one consumer-group poll loop, driven round by round on the test thread
 * with a MockConsumer and a hand-advanced clock: finished rounds commit at most every
 * {@link ConsumerGroupLoop#COMMIT_INTERVAL}, while a revocation and a graceful stop commit at
 * once. The activities are real (they return at once) and write to a MockProducer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // pollRound waits for completions; never forever
class ConsumerGroupLoopTest {

  private static final Topics TOPICS = new Topics("unit");
  private static final String TOPIC = TOPICS.activityTasks();
  private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);
  /** Any start: the pacing must be measured from the loop's creation, not from 0. */
  private static final long START = TimeUnit.SECONDS.toNanos(7);
  private static final long INTERVAL = ConsumerGroupLoop.COMMIT_INTERVAL.toNanos();
  private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

  private final DataConverter converter = DataConverter.defaultConverter();
  private final SchemaRegistryClient registry =
      SchemaRegistryClient.forUrl("mock://consumer-group-loop-" + UUID.randomUUID());
  private final AvroSerde<ActivityTask> tasks = new AvroSerde<>(registry, ActivityTask.class);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final WorkerSettings settings = new WorkerSettings("unused:9092", "mock://unused", TOPICS,
      Map.of("Work", ctx -> "done"), 4, 1, ConsumptionMode.CONSUMER_GROUP, "group", "worker-1",
      converter, Map.of(), Duration.ofSeconds(5), null);
  private final HeartbeatSender heartbeats = new HeartbeatSender(producer,
      new AvroSerde<>(registry, ActivityHeartbeat.class), TOPICS, "worker-1");
  private final AtomicBoolean abandoned = new AtomicBoolean();
  private final ActivityDispatcher dispatcher = new ActivityDispatcher(4, "worker-1",
      new TaskHandler(settings, producer, tasks, new AvroSerde<>(registry, ActivityResult.class),
          abandoned::get, new WorkerTelemetry(new SimpleMeterRegistry(), OpenTelemetry.noop()),
          new RunningAttempts(converter, heartbeats, Clock.systemUTC()), () -> 0),
      abandoned);

  /** Every commitSync the loop made, in order. */
  private final List<Map<TopicPartition, Long>> commits = new ArrayList<>();
  private final MockConsumer<byte[], byte[]> consumer =
      new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
          Map<TopicPartition, Long> committed = new HashMap<>();
          offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
          commits.add(committed);
          super.commitSync(offsets);
        }
      };
  private final AtomicLong clock = new AtomicLong(START);
  private final ConsumerGroupLoop loop =
      new ConsumerGroupLoop(settings, consumer, dispatcher, "worker-1/consumer-0", clock::get);
  private int taskIds;

  @AfterEach
  void close() {
    dispatcher.close();
    heartbeats.close();
    registry.close();
  }

  /** Subscribes the loop and lets the group give it the partitions (from offset 0). */
  private void assign(TopicPartition... partitions) {
    loop.subscribe();
    Map<TopicPartition, Long> beginning = new HashMap<>();
    for (TopicPartition tp : partitions) {
      beginning.put(tp, 0L);
    }
    consumer.updateBeginningOffsets(beginning);
    consumer.rebalance(List.of(partitions));
    assertThat(consumer.assignment()).containsExactlyInAnyOrder(partitions);
  }

  /** Puts one task record at the offset, for the next poll. */
  private void task(TopicPartition tp, long offset) {
    ActivityTask task = ActivityTask.newBuilder().setInstanceId("order-" + tp.partition())
        .setWorkflowName("Orders").setTaskId(++taskIds).setActivityName("Work").setAttempt(1)
        .setScheduledAt(Instant.now()).build();
    consumer.addRecord(new ConsumerRecord<>(TOPIC, tp.partition(), offset, null,
        tasks.serialize(TOPIC, task)));
  }

  /** The committed offsets of both partitions; a partition never committed is absent. */
  private Map<TopicPartition, Long> committed() {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    consumer.committed(Set.of(TP0, TP1)).forEach((tp, offset) -> offsets.put(tp, offset.offset()));
    return offsets;
  }

  @Test
  void finishedRoundsWaitForTheCommitIntervalThenTheNextRoundCommitsAfterTheLastFinishedTask() {
    // given: a loop created at START owning partition 0
    assign(TP0);

    // when: two rounds finish within COMMIT_INTERVAL of the loop's creation
    task(TP0, 0);
    clock.set(START + 10 * MILLI);
    loop.pollRound();
    task(TP0, 1);
    clock.set(START + INTERVAL - MILLI);
    loop.pollRound();

    // then: both tasks ran and wrote their results, but nothing is committed yet
    assertThat(producer.history()).hasSize(2);
    assertThat(commits).isEmpty();
    assertThat(committed()).isEmpty();

    // when: the clock passes COMMIT_INTERVAL and the next (empty) round comes
    clock.set(START + INTERVAL + MILLI);
    loop.pollRound();

    // then: one commit, of the offset after the last finished task
    assertThat(commits).containsExactly(Map.of(TP0, 2L));
    assertThat(committed()).containsExactly(Map.entry(TP0, 2L));
  }

  @Test
  void theIntervalRestartsAtEachCommitSoARoundRightAfterACommitWaitsAgain() {
    // given: a loop that committed task 0 once the interval had passed
    assign(TP0);
    task(TP0, 0);
    clock.set(START + INTERVAL + MILLI);
    loop.pollRound();
    assertThat(commits).containsExactly(Map.of(TP0, 1L));

    // when: a round finishes less than COMMIT_INTERVAL after that commit
    task(TP0, 1);
    clock.set(START + 2 * INTERVAL);
    loop.pollRound();

    // then: it is not committed yet
    assertThat(commits).hasSize(1);
    assertThat(committed()).containsExactly(Map.entry(TP0, 1L));

    // when: the interval since the last commit passes and a round with a task of its own finishes
    task(TP0, 2);
    clock.set(START + 2 * INTERVAL + 2 * MILLI);
    loop.pollRound();

    // then: one more commit covers both rounds
    assertThat(commits).containsExactly(Map.of(TP0, 1L), Map.of(TP0, 3L));
    assertThat(committed()).containsExactly(Map.entry(TP0, 3L));
  }

  @Test
  void aRevocationCommitsTheRevokedPartitionsFinishedTasksAtOnceEvenWithinTheInterval() {
    // given: a round of tasks of two partitions, finished within the interval, so not committed
    assign(TP0, TP1);
    task(TP0, 0);
    task(TP0, 1);
    task(TP1, 0);
    clock.set(START + 10 * MILLI);
    loop.pollRound();
    assertThat(producer.history()).hasSize(3);
    assertThat(commits).isEmpty();

    // when: the group takes partition 0 away, the clock not having moved
    consumer.rebalance(List.of(TP1));

    // then: partition 0's offsets are committed at once; partition 1's still wait for the interval
    // (MockConsumer.committed reports 0 for a partition no longer assigned: the commits tell)
    assertThat(commits).containsExactly(Map.of(TP0, 2L));
  }

  @Test
  void aGracefulStopCommitsTheFinishedTasksAtOnceEvenWithinTheInterval() {
    // given: a finished round, within the interval, so not committed
    assign(TP0);
    task(TP0, 0);
    task(TP0, 1);
    clock.set(START + 10 * MILLI);
    loop.pollRound();
    assertThat(producer.history()).hasSize(2);
    assertThat(commits).isEmpty();

    // when: the worker stops the loop and it drains, the clock not having moved
    loop.stop(System.nanoTime() + settings.shutdownTimeout().toNanos());
    loop.drain();

    // then: the offset after the last finished task is committed
    assertThat(commits).containsExactly(Map.of(TP0, 2L));
    assertThat(committed()).containsExactly(Map.entry(TP0, 2L));
  }
}

package io.gregor.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer's poll loop in consumer-group mode, for brokers without share groups.
 *
 * <p>It works in rounds: poll a batch (the worker's maxConcurrency divided among its consumers,
 * see {@link ClientConfigs}), run it, and commit each partition's offsets (at most every
 * {@link #COMMIT_INTERVAL}) only up to the first task whose result is not yet written, so a crash
 * never skips a task (at-least-once; the orchestrator drops duplicate results). A task that could
 * not be written is read again by seeking back to it. While a round runs, the partitions are
 * paused and the consumer keeps polling (returning nothing), so a slow activity does not exceed
 * {@code max.poll.interval.ms} and get the worker thrown out of the group.
 */
final class ConsumerGroupLoop extends PollLoop implements ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLoop.class);
  private static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How long a finished round's offsets may wait for the next commit. Committing every round
   * cost a synchronous round trip per round and, at saturation, more offset commits than the
   * orchestrator's steps (447 a second for 150 workflows of ten steps a second: load-tests/results,
   * 2026-12-07). A crash re-runs at most this much work, which at-least-once delivery allows; a
   * rebalance and a graceful stop still commit everything.
   */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

  /** One task record of the current round. */
  private static final class Entry {
    final ConsumerRecord<byte[], byte[]> record;
    boolean started;
    Outcome outcome;

    Entry(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Map<RecordId, Entry> round = new LinkedHashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
  /** The clock of the commit pacing; tests drive it. */
  private final LongSupplier nanoTime;
  private long lastCommitNanos;

  ConsumerGroupLoop(WorkerSettings settings, Consumer<byte[], byte[]> consumer,
      ActivityDispatcher dispatcher, String name) {
    this(settings, consumer, dispatcher, name, System::nanoTime);
  }

  ConsumerGroupLoop(WorkerSettings settings, Consumer<byte[], byte[]> consumer,
      ActivityDispatcher dispatcher, String name, LongSupplier nanoTime) {
    super(settings, dispatcher, name);
    this.consumer = consumer;
    this.nanoTime = nanoTime;
    this.lastCommitNanos = nanoTime.getAsLong();
  }

  @Override
  void subscribe() {
    consumer.subscribe(List.of(settings.taskTopic()), this);
  }

  @Override
  void pollRound() {
    awaitFreePermit();
    add(consumer.poll(POLL_TIMEOUT));
    runRound();
  }

  @Override
  void closeConsumer() {
    try {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    } catch (RuntimeException e) {
      LOG.warn("{} failed to close its consumer cleanly", name, e);
    }
  }

  private void add(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      round.putIfAbsent(RecordId.of(record), new Entry(record));
    }
  }

  /** Runs the round to its end and commits it; returns early only when stopping. */
  private void runRound() {
    if (round.isEmpty()) {
      commitUncommitted(tp -> true, false); // a paced or refused commit, if any
      return;
    }
    long nextKeepAlive = System.nanoTime() + SLICE.toNanos();
    while (running) {
      startWaitingTasks();
      if (round.values().stream().allMatch(e -> e.outcome != null)) {
        commit(tp -> true, false);
        consumer.resume(consumer.paused());
        return;
      }
      long now = System.nanoTime();
      if (now >= nextKeepAlive) {
        consumer.pause(consumer.assignment());
        add(consumer.poll(Duration.ZERO)); // may bring records of partitions just assigned
        nextKeepAlive = now + SLICE.toNanos();
      } else {
        applyCompletionsFor(Duration.ofNanos(nextKeepAlive - now));
      }
    }
  }

  private void startWaitingTasks() {
    for (Entry e : round.values()) {
      if (!e.started) {
        if (!dispatcher.tryDispatch(e.record, inbox)) {
          return; // every permit is taken; a freed one wakes the inbox
        }
        e.started = true;
      }
    }
  }

  @Override
  void apply(Completion c) {
    Entry e = round.get(c.id());
    if (e != null) {
      e.outcome = c.outcome();
    }
  }

  /**
   * Commits, per partition of the selected records, up to the first record not written, seeks
   * back to that record so it is read again, and removes the selected records from the round.
   *
   * @param now whether to commit at once, or only once {@link #COMMIT_INTERVAL} has passed since
   *            the last commit (the offsets are kept until then)
   */
  private void commit(Predicate<TopicPartition> selected, boolean now) {
    Map<TopicPartition, List<Entry>> byPartition = new HashMap<>();
    round.values().forEach(e -> {
      TopicPartition tp = partitionOf(e);
      if (selected.test(tp)) {
        byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(e);
      }
    });
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    byPartition.forEach((tp, entries) -> {
      entries.sort((a, b) -> Long.compare(a.record.offset(), b.record.offset()));
      Long next = null;
      for (Entry e : entries) {
        if (e.outcome != Outcome.WRITTEN) {
          if (e.outcome == Outcome.REDELIVER && consumer.assignment().contains(tp)) {
            consumer.seek(tp, e.record.offset());
          }
          break;
        }
        next = e.record.offset() + 1;
      }
      if (next != null) {
        offsets.put(tp, new OffsetAndMetadata(next));
      }
    });
    round.values().removeIf(e -> byPartition.containsKey(partitionOf(e)));
    uncommitted.putAll(offsets);
    commitUncommitted(selected, now);
  }

  /**
   * Commits the offsets not yet committed for the selected partitions. A failed commit (the
   * group rebalancing, typically) keeps them for the next try, at the latest in
   * onPartitionsRevoked, where commits are allowed: forgetting them would make the next owner
   * run those tasks again.
   */
  private void commitUncommitted(Predicate<TopicPartition> selected, boolean now) {
    if (!now && nanoTime.getAsLong() - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    uncommitted.forEach((tp, offset) -> {
      if (selected.test(tp)) {
        offsets.put(tp, offset);
      }
    });
    if (offsets.isEmpty()) {
      return;
    }
    try {
      lastCommitNanos = nanoTime.getAsLong();
      consumer.commitSync(offsets);
      offsets.keySet().forEach(uncommitted::remove);
    } catch (RetriableException | RebalanceInProgressException e) {
      LOG.debug("{} will retry committing {}: {}", name, offsets, e.toString());
    } catch (RuntimeException e) {
      // The results are written; at worst the tasks run again elsewhere and their duplicate
      // results are dropped by the orchestrator.
      LOG.warn("{} failed to commit {}: {}", name, offsets, e.toString());
      offsets.keySet().forEach(uncommitted::remove);
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    // Runs inside poll, on this thread: let the revoked partitions' running tasks finish
    // (bounded) so that the next owner does not run them a second time.
    round.values().removeIf(e -> !e.started && partitions.contains(partitionOf(e)));
    awaitRunningTasks(() -> round.values().stream()
            .anyMatch(e -> e.outcome == null && partitions.contains(partitionOf(e))),
        System.nanoTime() + REVOKE_TIMEOUT.toNanos());
    commit(partitions::contains, true);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    // Someone else owns them already; committing would fail. Their tasks will run again there.
    round.values().removeIf(e -> partitions.contains(partitionOf(e)));
    uncommitted.keySet().removeAll(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    // Nothing to do: a new round starts from the committed offsets.
  }

  /** Graceful stop: forget what has not started, wait (bounded) for what runs, commit. */
  @Override
  void drain() {
    round.values().removeIf(e -> !e.started);
    if (!awaitRunningTasks(() -> round.values().stream().anyMatch(e -> e.outcome == null),
        stopDeadline())) {
      LOG.warn("{} stopped waiting for running tasks at the shutdown timeout ({}); they will run"
          + " again", name, settings.shutdownTimeout());
      dispatcher.abandon();
    }
    try {
      commit(tp -> true, true);
    } catch (RuntimeException e) {
      LOG.warn("{} failed to commit its last offsets", name, e);
    }
  }

  private static TopicPartition partitionOf(Entry e) {
    return new TopicPartition(e.record.topic(), e.record.partition());
  }
}

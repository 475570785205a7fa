package io.gregor.worker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share consumer's poll loop (KIP-932, explicit acknowledgement).
 *
 * <p>Rules of explicit mode in Kafka 4.3 that shape it: every record a poll returned must be
 * acknowledged before the next poll, or that poll throws IllegalStateException; acknowledgements
 * stay local until the next poll or commit sends them; a record acknowledged RENEW keeps its
 * lock and is returned again by a later poll, and while any record is unacknowledged or being
 * renewed, poll fetches nothing new; {@code close()} releases whatever is still acquired.
 *
 * <p>So the loop works in rounds: poll a few records, start them, and acknowledge each ACCEPT
 * once its result was written (RELEASE if nothing could be written); poll again only when the
 * whole round is acknowledged. A record still running at half its lock duration is acknowledged
 * RENEW, which keeps the lock and lets the loop poll again (staying alive in the group); it comes
 * back from that poll and is waited for again. A slow task therefore holds up its round, which
 * is why a worker runs several of these loops over one permit pool and keeps rounds small.
 */
final class ShareGroupLoop extends PollLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupLoop.class);
  /** The broker default of group.share.record.lock.duration.ms, until the broker tells us. */
  private static final int DEFAULT_LOCK_MS = 30_000;

  /** One acquired task record, from its first delivery to its final acknowledgement. */
  private static final class Tracked {
    /** The object from the latest poll; acknowledge() wants the one of the current fetch. */
    ConsumerRecord<byte[], byte[]> record;
    boolean started;
    /** Null while the task runs (or waits for a permit). */
    Outcome outcome;
    /** Part of the consumer's current fetch, so it must be acknowledged before the next poll. */
    boolean held;
    long lockedSinceNanos;
  }

  private final ShareConsumer<byte[], byte[]> consumer;
  private final Map<RecordId, Tracked> tracked = new LinkedHashMap<>();
  private final AtomicLong renewals = new AtomicLong();

  ShareGroupLoop(WorkerSettings settings, ShareConsumer<byte[], byte[]> consumer,
      ActivityDispatcher dispatcher, String name) {
    super(settings, dispatcher, name);
    this.consumer = consumer;
  }

  @Override
  void subscribe() {
    consumer.setAcknowledgementCommitCallback(this::onAcknowledgementsCommitted);
    consumer.subscribe(List.of(settings.taskTopic()));
  }

  @Override
  void pollRound() {
    if (tracked.isEmpty()) {
      awaitFreePermit(); // with renewals pending, poll at once: it returns them
    }
    take(consumer.poll(POLL_TIMEOUT));
    awaitAcknowledgeable();
  }

  @Override
  void closeConsumer() {
    try {
      consumer.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("{} failed to close its share consumer cleanly", name, e);
    }
  }

  /** How many times this loop renewed acquisition locks; for tests and metrics. */
  long lockRenewals() {
    return renewals.get();
  }

  private void take(ConsumerRecords<byte[], byte[]> records) {
    long now = System.nanoTime();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      RecordId id = RecordId.of(record);
      Tracked t = tracked.get(id);
      if (t == null) {
        t = new Tracked();
        t.lockedSinceNanos = now;
        tracked.put(id, t);
      }
      // Else a renewed record came back: it is already running, or waiting for a permit.
      t.record = record;
      t.held = true;
      if (t.outcome != null) {
        acknowledge(id, t); // it finished while its renewal was on the wire
      }
    }
  }

  /** Returns once no held record is left unacknowledged (or the loop is stopping). */
  private void awaitAcknowledgeable() {
    while (running) {
      startWaitingTasks();
      long now = System.nanoTime();
      forgetLostRenewals(now);
      long oldestLock = Long.MAX_VALUE;
      for (Tracked t : tracked.values()) {
        if (t.held) {
          oldestLock = Math.min(oldestLock, t.lockedSinceNanos);
        }
      }
      if (oldestLock == Long.MAX_VALUE) {
        return;
      }
      long untilRenewal = oldestLock + lockDurationMs() * 1_000_000L / 2 - now;
      if (untilRenewal <= 0) {
        renewHeld(now);
        return;
      }
      applyCompletionsFor(Duration.ofNanos(Math.min(untilRenewal, SLICE.toNanos())));
    }
  }

  private void startWaitingTasks() {
    for (Tracked t : tracked.values()) {
      if (t.held && !t.started) {
        if (!dispatcher.tryDispatch(t.record, inbox)) {
          return; // every permit is taken; a freed one wakes the inbox
        }
        t.started = true;
      }
    }
  }

  @Override
  void apply(Completion c) {
    Tracked t = tracked.get(c.id());
    if (t == null) {
      LOG.debug("Task record {} finished after its lock was lost; its result stands", c.id());
      return;
    }
    t.outcome = c.outcome();
    if (t.held) {
      acknowledge(c.id(), t);
    }
  }

  private void acknowledge(RecordId id, Tracked t) {
    AcknowledgeType type =
        t.outcome == Outcome.WRITTEN ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
    try {
      consumer.acknowledge(t.record, type);
    } catch (IllegalStateException | IllegalArgumentException e) {
      LOG.warn("{} cannot acknowledge task record {} as {}: {}", name, id, type, e.getMessage());
    }
    tracked.remove(id);
  }

  private void renewHeld(long now) {
    int count = 0;
    for (Iterator<Map.Entry<RecordId, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<RecordId, Tracked> entry = it.next();
      Tracked t = entry.getValue();
      if (!t.held) {
        continue;
      }
      try {
        consumer.acknowledge(t.record, AcknowledgeType.RENEW);
        t.held = false;
        t.lockedSinceNanos = now;
        count++;
      } catch (IllegalStateException | IllegalArgumentException e) {
        LOG.warn("{} cannot renew the lock of task record {}: {}", name, entry.getKey(), e.getMessage());
        it.remove();
      }
    }
    renewals.incrementAndGet();
    LOG.debug("{} renewed the acquisition locks of {} unfinished tasks", name, count);
  }

  /** A renewal the broker refused never comes back from poll; stop waiting for it. */
  private void forgetLostRenewals(long now) {
    long lockNanos = lockDurationMs() * 1_000_000L;
    for (Iterator<Map.Entry<RecordId, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<RecordId, Tracked> entry = it.next();
      Tracked t = entry.getValue();
      if (!t.held && now - t.lockedSinceNanos > lockNanos) {
        LOG.warn("{} lost the acquisition lock of task record {}: its renewal was not confirmed"
            + " within {} ms, so another worker may run it again", name, entry.getKey(), lockDurationMs());
        it.remove();
      }
    }
  }

  private int lockDurationMs() {
    return consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MS);
  }

  /** Graceful stop: give back what has not started, wait (bounded) for what runs. */
  @Override
  void drain() {
    for (Tracked t : tracked.values()) {
      if (t.held && !t.started) {
        t.outcome = Outcome.REDELIVER;
      }
    }
    acknowledgeHeldWithOutcome();
    boolean finished = awaitRunningTasks(
        () -> tracked.values().stream().anyMatch(t -> t.started && t.outcome == null), stopDeadline());
    if (!finished) {
      List<RecordId> unfinished = new ArrayList<>();
      tracked.forEach((id, t) -> {
        if (t.outcome == null) {
          unfinished.add(id);
        }
      });
      LOG.warn("{} stopped waiting for {} running tasks at the shutdown timeout ({}); other"
          + " workers will run them: {}", name, unfinished.size(), settings.shutdownTimeout(), unfinished);
      // Interrupt them and drop their results before releasing their records.
      dispatcher.abandon();
      tracked.values().forEach(t -> {
        if (t.held && t.outcome == null) {
          t.outcome = Outcome.REDELIVER;
        }
      });
      acknowledgeHeldWithOutcome();
    }
    tracked.clear();
    try {
      consumer.commitSync(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("{} failed to commit its last acknowledgements", name, e);
    }
  }

  private void acknowledgeHeldWithOutcome() {
    List<RecordId> ready = new ArrayList<>();
    tracked.forEach((id, t) -> {
      if (t.held && t.outcome != null) {
        ready.add(id);
      }
    });
    ready.forEach(id -> acknowledge(id, tracked.get(id)));
  }

  private void onAcknowledgementsCommitted(Map<TopicIdPartition, Set<Long>> offsets, Exception e) {
    if (e != null) {
      LOG.warn("{}: the broker refused acknowledgements for {}: {}. Those tasks may be delivered"
          + " again; the orchestrator drops duplicate results.", name, offsets, e.toString());
    }
  }
}

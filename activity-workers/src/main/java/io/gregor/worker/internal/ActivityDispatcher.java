package io.gregor.worker.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task records on virtual threads, at most {@code maxConcurrency} at once across all the
 * worker's poll loops, and reports each one's {@link Completion} to the inbox of the loop that
 * owns the record. A loop that found no free permit is woken when one is freed.
 */
final class ActivityDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActivityDispatcher.class);

  private final Semaphore permits;
  private final ExecutorService threads;
  private final TaskHandler handler;
  private final AtomicBoolean abandoned;
  private final Set<Inbox> waitingForPermit = ConcurrentHashMap.newKeySet();
  private final RunRegistry runs = new RunRegistry();

  /**
   * @param abandoned shared with the handler: set by {@link #abandon()}, after which running
   *     tasks write nothing
   */
  ActivityDispatcher(int maxConcurrency, String workerId, TaskHandler handler,
      AtomicBoolean abandoned) {
    this.permits = new Semaphore(maxConcurrency);
    this.threads = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("gregor-activity-" + workerId + "-", 0).factory());
    this.handler = handler;
    this.abandoned = abandoned;
  }

  /**
   * Starts the record if a permit is free.
   *
   * @param inbox where the completion goes, and who is woken when a permit frees up
   * @return false when every permit is taken (or the worker gave up on its tasks)
   */
  boolean tryDispatch(ConsumerRecord<byte[], byte[]> record, Inbox inbox) {
    if (abandoned.get()) {
      return false;
    }
    RecordId id = RecordId.of(record);
    if (settle(id, runs.peek(id, inbox), inbox)) {
      return true; // a run of the same record is going on or done: no permit needed
    }
    if (!acquire(inbox)) {
      return false;
    }
    if (settle(id, runs.claim(id, inbox), inbox)) {
      release(); // another consumer started it meanwhile
      return true;
    }
    try {
      threads.execute(() -> run(id, record));
      return true;
    } catch (RejectedExecutionException e) {
      runs.finish(id, Outcome.REDELIVER);
      release();
      return false;
    }
  }

  /** Handles a record this worker already runs or ran; false if it must be started. */
  private static boolean settle(RecordId id, RunRegistry.Claim claim, Inbox inbox) {
    switch (claim) {
      case START -> {
        return false;
      }
      case JOINED -> LOG.debug("Task record {} was delivered again while running here", id);
      case ALREADY_WRITTEN -> {
        LOG.debug("Task record {} was delivered again after its result was written", id);
        inbox.add(new Completion(id, Outcome.WRITTEN));
      }
    }
    return true;
  }

  /** True if a task could start now. */
  boolean hasFreePermit(Inbox inbox) {
    if (permits.availablePermits() > 0) {
      return true;
    }
    waitingForPermit.add(inbox);
    // Checked again after registering, so a release in between is not missed.
    return permits.availablePermits() > 0;
  }

  private boolean acquire(Inbox inbox) {
    if (permits.tryAcquire()) {
      return true;
    }
    waitingForPermit.add(inbox);
    return permits.tryAcquire();
  }

  private void release() {
    permits.release();
    for (Inbox waiting : waitingForPermit) {
      if (waitingForPermit.remove(waiting)) {
        waiting.wakeUp();
      }
    }
  }

  private void run(RecordId id, ConsumerRecord<byte[], byte[]> record) {
    Outcome outcome = Outcome.REDELIVER;
    try {
      outcome = handler.handle(record);
    } catch (Throwable t) {
      LOG.error("Unexpected failure while handling task record {}; it will be delivered again", id, t);
    } finally {
      // Release before reporting, so that the poll thread woken by the report finds the permit.
      release();
      Completion completion = new Completion(id, outcome);
      runs.finish(id, outcome).forEach(inbox -> inbox.add(completion));
    }
  }

  /** Stops waiting for running activities: interrupts them and drops their results. */
  void abandon() {
    abandoned.set(true);
    threads.shutdownNow();
  }

  @Override
  public void close() {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        abandon();
      }
    } catch (InterruptedException e) {
      abandon();
      Thread.currentThread().interrupt();
    }
  }
}

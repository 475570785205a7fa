package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityCancellation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code <prefix>.activity-cancellations} on its own thread and cancels the matching
 * attempts running here. Every worker reads every partition (no group): a cancellation is keyed
 * by task, not by whoever runs it. It starts at the end of the topic: what was cancelled before
 * the worker started is not running here, and a cancelled task still waiting in the task topic
 * is settled by the orchestrator, which drops its result.
 */
final class CancellationListener implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(CancellationListener.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  /** How long to wait before looking again for a topic that does not exist yet. */
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<ActivityCancellation> deserializer;
  private final RunningAttempts attempts;
  private final String topic;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean ready;

  CancellationListener(Consumer<byte[], byte[]> consumer, Deserializer<ActivityCancellation> deserializer,
      RunningAttempts attempts, String topic) {
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.attempts = attempts;
    this.topic = topic;
  }

  /** Whether it reads the topic from its end: cancellations written from now on are seen. */
  boolean ready() {
    return ready;
  }

  @Override
  public void run() {
    try {
      if (assignAtEnd()) {
        while (running) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
            apply(record);
          }
        }
      }
    } catch (WakeupException | InterruptException e) {
      // stopping
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("Stopped reading {}: running activities will not learn of cancellations", topic, e);
    } finally {
      try {
        consumer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("Closing the consumer of {} failed: {}", topic, e.toString());
      }
    }
  }

  /** Assigns every partition and moves to the end; false if stopped before the topic showed up. */
  private boolean assignAtEnd() throws InterruptedException {
    boolean warned = false;
    while (running) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic);
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned =
            partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // resolves the lazy seek: ready means positioned
        ready = true;
        return true;
      }
      if (!warned) {
        LOG.warn("Expected topic {} to exist, but it does not (yet); activities will not learn of"
            + " cancellations until it does", topic);
        warned = true;
      }
      if (stopped.await(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
    }
    return false;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    ActivityCancellation c;
    try {
      c = deserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("Skipping unreadable cancellation {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
      return;
    }
    if (c == null) {
      return;
    }
    boolean here = attempts.cancel(
        new RunningAttempts.Key(c.getInstanceId(), c.getGeneration(), c.getTaskId(), c.getAttempt()), c.getReason());
    if (here) {
      LOG.info("Cancelled {}/{} attempt {}: {}", c.getInstanceId(), c.getTaskId(), c.getAttempt(),
          c.getReason());
    }
  }

  /** Stops the thread (it closes the consumer). */
  void stop() {
    running = false;
    stopped.countDown();
    consumer.wakeup();
  }
}

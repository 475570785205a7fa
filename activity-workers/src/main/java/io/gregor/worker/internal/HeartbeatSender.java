package io.gregor.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityTask;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the heartbeats of running attempts to the orchestrator's inbox, throttled per attempt
 * (as Temporal's SDKs do): the first heartbeat goes at once, later ones at most once per
 * {@link #interval interval}, each send carrying the latest details. Sends run on virtual
 * threads, never on the activity's: serializing may wait for the schema registry and a send for
 * the broker's metadata, and heartbeats are advisory, so a failure is logged, not thrown.
 */
final class HeartbeatSender implements AutoCloseable {

  /** How often an attempt without a heartbeat timeout sends at most (its details still go with the result). */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /**
   * The heartbeat schema's subject is {@code <prefix>.activity-heartbeats-value}: the inbox's own
   * subject holds ActivityResult (a subject holds one record type), and readers find the schema
   * by the id in the record, whatever the subject.
   */
  static String subjectTopic(Topics topics) {
    return topics.prefix() + ".activity-heartbeats";
  }

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

  private final Producer<byte[], byte[]> producer;
  private final Serializer<ActivityHeartbeat> serializer;
  private final Topics topics;
  private final String workerId;
  private final ScheduledExecutorService timer;
  private final AtomicLong sent = new AtomicLong();

  HeartbeatSender(Producer<byte[], byte[]> producer, Serializer<ActivityHeartbeat> serializer,
      Topics topics, String workerId) {
    this.producer = producer;
    this.serializer = serializer;
    this.topics = topics;
    this.workerId = workerId;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("gregor-heartbeats-" + workerId).factory());
  }

  /**
   * How often an attempt sends at most: 0.8 of its heartbeat timeout, so that a heartbeat sent
   * at the end of a throttle window still arrives in time; {@link #DEFAULT_INTERVAL} without one.
   */
  static Duration interval(ActivityTask task) {
    Long timeoutMillis = task.getHeartbeatTimeoutMillis();
    if (timeoutMillis == null || timeoutMillis <= 0) {
      return DEFAULT_INTERVAL;
    }
    return Duration.ofMillis(timeoutMillis * 4 / 5);
  }

  /** The activity heartbeated: sends now, or schedules one send at the end of the window. */
  void requested(TaskContext attempt) {
    long delay = attempt.claimSend(System.nanoTime(), interval(attempt.task()).toNanos());
    if (delay < 0) {
      return; // a pending send will carry the latest details
    }
    try {
      if (delay == 0) {
        Thread.ofVirtual().name("gregor-heartbeat").start(() -> send(attempt));
      } else {
        timer.schedule(() -> Thread.ofVirtual().name("gregor-heartbeat").start(() -> send(attempt)),
            delay, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      LOG.debug("Not sending a heartbeat of {}: the worker is stopping", attempt);
    }
  }

  /** How many heartbeats were handed to the producer; lets tests wait instead of sleeping. */
  long sent() {
    return sent.get();
  }

  private void send(TaskContext attempt) {
    if (!attempt.startSend(System.nanoTime())) {
      return; // the attempt ended: its result carries the details
    }
    ActivityTask task = attempt.task();
    ActivityHeartbeat heartbeat = ActivityHeartbeat.newBuilder()
        .setInstanceId(task.getInstanceId())
        .setTaskId(task.getTaskId())
        .setAttempt(task.getAttempt())
        .setGeneration(task.getGeneration())
        .setDetails(attempt.details())
        .setWorkerId(workerId)
        .build();
    try {
      byte[] value = serializer.serialize(subjectTopic(topics), heartbeat);
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topics.inbox(), task.getInstanceId().getBytes(UTF_8), value);
      record.headers().add(InputKind.HEADER, InputKind.HEARTBEAT.headerValue());
      producer.send(record, (metadata, e) -> {
        if (e != null) {
          failed(attempt, e);
        }
      });
      sent.incrementAndGet();
    } catch (RuntimeException e) {
      failed(attempt, e);
    }
  }

  private void failed(TaskContext attempt, Exception e) {
    LOG.warn("Expected to write a heartbeat of activity '{}' ({}) to {}, but it failed: {}",
        attempt.getName(), attempt.describe(), topics.inbox(), e.toString());
  }

  /** Stops scheduling sends; those on the wire complete or fail with the producer. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}

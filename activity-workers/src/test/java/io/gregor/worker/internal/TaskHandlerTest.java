package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.worker.ActivityDeliveryLimitException;
import io.gregor.worker.ConsumptionMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One task record's handling without Kafka: poison tasks at the delivery limit, attempts past
 * their deadline or cancelled before they start, and heartbeat details carried by the result.
 */
class TaskHandlerTest {

  private static final Topics TOPICS = new Topics("unit");
  private static final int LIMIT = 3;

  private final DataConverter converter = DataConverter.defaultConverter();
  private final SchemaRegistryClient registry =
      SchemaRegistryClient.forUrl("mock://task-handler-" + UUID.randomUUID());
  private final AvroSerde<ActivityTask> tasks = new AvroSerde<>(registry, ActivityTask.class);
  private final AvroSerde<ActivityResult> results = new AvroSerde<>(registry, ActivityResult.class);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final AtomicInteger runs = new AtomicInteger();
  private HeartbeatSender heartbeats;
  private RunningAttempts attempts;

  @AfterEach
  void close() {
    if (heartbeats != null) {
      heartbeats.close();
    }
    registry.close();
  }

  private TaskHandler handler(Activity activity) {
    WorkerSettings settings = new WorkerSettings("unused:9092", "mock://unused", TOPICS,
        Map.of("Work", ctx -> {
          runs.incrementAndGet();
          return activity.run(ctx);
        }), 1, 1, ConsumptionMode.SHARE_GROUP, "group", "worker-1", converter, Map.of(),
        Duration.ofSeconds(1), null);
    heartbeats = new HeartbeatSender(producer,
        new AvroSerde<>(registry, ActivityHeartbeat.class), TOPICS, "worker-1");
    attempts = new RunningAttempts(converter, heartbeats, Clock.systemUTC());
    return new TaskHandler(settings, producer, tasks, results, () -> false,
        new WorkerTelemetry(new SimpleMeterRegistry(), OpenTelemetry.noop()), attempts, () -> LIMIT);
  }

  private ActivityTask.Builder task() {
    return ActivityTask.newBuilder().setInstanceId("order-7").setWorkflowName("Orders").setTaskId(4)
        .setActivityName("Work").setAttempt(2).setScheduledAt(Instant.now());
  }

  private ConsumerRecord<byte[], byte[]> delivery(ActivityTask task, Short deliveryCount) {
    byte[] value = tasks.serialize(TOPICS.activityTasks(), task);
    return new ConsumerRecord<>(TOPICS.activityTasks(), 0, 11L, 0L, TimestampType.CREATE_TIME,
        0, value.length, null, value, new RecordHeaders(), Optional.empty(),
        Optional.ofNullable(deliveryCount));
  }

  private ActivityResult onlyResult() {
    assertThat(producer.history()).hasSize(1);
    return results.deserialize(TOPICS.inbox(), producer.history().get(0).value());
  }

  @Test
  void theLastDeliveryTheBrokerMakesIsReportedFailedWithoutRunningTheActivity() {
    Outcome outcome = handler(ctx -> "ran").handle(delivery(task().build(), (short) LIMIT));

    assertThat(outcome).isEqualTo(Outcome.WRITTEN);
    assertThat(runs.get()).isZero();
    ActivityResult result = onlyResult();
    assertThat(result.getSucceeded()).isFalse();
    assertThat(result.getFailure().getErrorType()).isEqualTo(ActivityDeliveryLimitException.class.getName());
    assertThat(result.getFailure().getNonRetriable()).isFalse();
    assertThat(result.getFailure().getMessage()).isEqualTo("Expected activity 'Work' (instance order-7,"
        + " task 4, attempt 2) to finish, but it was delivered 3 times without a result: the worker"
        + " running it crashed or hung each time");
  }

  @Test
  void earlierDeliveriesAndRecordsWithoutACountRun() {
    TaskHandler handler = handler(ctx -> "ran");
    handler.handle(delivery(task().build(), (short) (LIMIT - 1)));
    handler.handle(delivery(task().setTaskId(5).build(), null));

    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void anAttemptPastItsDeadlineDoesNotRun() {
    ActivityTask late = task().setDeadline(Instant.now().minusSeconds(1)).build();

    handler(ctx -> "ran").handle(delivery(late, (short) 1));

    assertThat(runs.get()).isZero();
    ActivityResult result = onlyResult();
    assertThat(result.getSucceeded()).isFalse();
    assertThat(result.getFailure().getErrorType()).isEqualTo(ActivityCanceledException.class.getName());
    assertThat(result.getFailure().getMessage()).contains("deadline", "order-7", "attempt 2");
  }

  @Test
  void anAttemptCancelledBeforeItStartsDoesNotRun() {
    TaskHandler handler = handler(ctx -> "ran");
    attempts.cancel(new RunningAttempts.Key("order-7", 0, 4, 2), "the workflow was terminated");

    handler.handle(delivery(task().build(), (short) 1));

    assertThat(runs.get()).isZero();
    assertThat(onlyResult().getFailure().getMessage()).endsWith("the workflow was terminated");
  }

  @Test
  void theLastHeartbeatDetailsGoWithAFailedResult() {
    Activity failsHalfway = ctx -> {
      ctx.heartbeat("page 3");
      throw new IllegalStateException("page 4 is missing");
    };

    handler(failsHalfway).handle(delivery(task().build(), (short) 1));

    ActivityResult result = producer.history().stream()
        .filter(r -> "result".equals(new String(r.headers().lastHeader("gregor.input").value())))
        .map(r -> results.deserialize(TOPICS.inbox(), r.value()))
        .findFirst().orElseThrow();
    assertThat(result.getSucceeded()).isFalse();
    assertThat(converter.deserialize(result.getHeartbeatDetails(), String.class)).isEqualTo("page 3");
  }

  @Test
  void thePreviousAttemptsDetailsAreReadAndPassedOnWhenTheAttemptSendsNone() {
    ActivityTask retry = task().setHeartbeatDetails(converter.serialize("page 2")).build();

    handler(ctx -> ctx.getHeartbeatDetails(String.class).orElse("none")).handle(delivery(retry, (short) 1));

    ActivityResult result = onlyResult();
    assertThat(converter.deserialize(result.getOutput(), String.class)).isEqualTo("page 2");
    assertThat(converter.deserialize(result.getHeartbeatDetails(), String.class)).isEqualTo("page 2");
  }
}

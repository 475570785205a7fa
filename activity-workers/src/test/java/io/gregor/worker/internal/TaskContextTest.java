package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.Await;
import io.gregor.worker.ActivityCanceledException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Heartbeats (throttled sends with the latest details), details across attempts, cancellation. */
class TaskContextTest {

  private static final Topics TOPICS = new Topics("unit");
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private final DataConverter converter = DataConverter.defaultConverter();
  private final SchemaRegistryClient registry =
      SchemaRegistryClient.forUrl("mock://task-context-" + UUID.randomUUID());
  private final AvroSerde<ActivityHeartbeat> serde = new AvroSerde<>(registry, ActivityHeartbeat.class);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final HeartbeatSender sender = new HeartbeatSender(producer, serde, TOPICS, "worker-1");
  private final RunningAttempts attempts =
      new RunningAttempts(converter, sender, Clock.fixed(NOW, ZoneOffset.UTC));

  @AfterEach
  void close() {
    sender.close();
    registry.close();
  }

  private ActivityTask.Builder task() {
    return ActivityTask.newBuilder().setInstanceId("order-7").setWorkflowName("Orders").setTaskId(4)
        .setActivityName("Work").setAttempt(1).setScheduledAt(NOW);
  }

  private List<ActivityHeartbeat> sent() {
    return producer.history().stream().map(r -> {
      assertThat(r.topic()).isEqualTo(TOPICS.inbox());
      assertThat(new String(r.key())).isEqualTo("order-7");
      assertThat(new String(r.headers().lastHeader("gregor.input").value())).isEqualTo("heartbeat");
      return serde.deserialize(r.topic(), r.value());
    }).toList();
  }

  private String detailsOf(ActivityHeartbeat heartbeat) {
    return converter.deserialize(heartbeat.getDetails(), String.class);
  }

  @Test
  void theFirstHeartbeatGoesAtOnceAndLaterOnesInAWindowGoAsOneWithTheLatestDetails() {
    // a 250 ms heartbeat timeout: at most one send per 200 ms
    TaskContext context = attempts.begin(task().setHeartbeatTimeoutMillis(250L).build());

    context.heartbeat("1");
    Await.until(Duration.ofSeconds(10), () -> sender.sent() == 1, () -> "the first heartbeat");
    context.heartbeat("2");
    context.heartbeat("3");
    Await.until(Duration.ofSeconds(10), () -> sender.sent() == 2, () -> "the second heartbeat");

    List<ActivityHeartbeat> sent = sent();
    assertThat(sent).extracting(this::detailsOf).containsExactly("1", "3");
    assertThat(sent.get(0).getWorkerId()).isEqualTo("worker-1");
    assertThat(sent.get(0).getTaskId()).isEqualTo(4);
  }

  @Test
  void anEndedAttemptSendsNoPendingHeartbeat() {
    TaskContext context = attempts.begin(task().setHeartbeatTimeoutMillis(60_000L).build());
    context.heartbeat("1");
    Await.until(Duration.ofSeconds(10), () -> sender.sent() == 1, () -> "the first heartbeat");
    context.heartbeat("2"); // pending for 48 s

    attempts.end(context);

    assertThat(context.startSend(System.nanoTime())).isFalse();
    assertThat(converter.deserialize(context.details(), String.class)).isEqualTo("2");
  }

  @Test
  void detailsAreThePreviousAttemptsUntilThisOneRecordsItsOwn() {
    TaskContext context = attempts.begin(task().setHeartbeatDetails(converter.serialize("page 2")).build());
    assertThat(context.getHeartbeatDetails(String.class)).contains("page 2");

    context.heartbeat("page 3");
    context.heartbeat(); // keeps the details

    assertThat(context.getHeartbeatDetails(String.class)).contains("page 3");
  }

  @Test
  void noDetailsAtAllIsEmpty() {
    assertThat(attempts.begin(task().build()).getHeartbeatDetails(String.class)).isEmpty();
  }

  @Test
  void aCancelledAttemptLearnsItOnItsNextHeartbeat() {
    TaskContext context = attempts.begin(task().build());
    assertThat(context.isCancelled()).isFalse();

    boolean running = attempts.cancel(new RunningAttempts.Key("order-7", 0, 4, 1), "it lost an anyOf");

    assertThat(running).isTrue();
    assertThat(context.isCancelled()).isTrue();
    assertThatThrownBy(() -> context.heartbeat("x"))
        .isInstanceOfSatisfying(ActivityCanceledException.class,
            e -> assertThat(e.reason()).isEqualTo("it lost an anyOf"))
        .hasMessage("Expected activity 'Work' (instance order-7, task 4, attempt 1) to be still"
            + " wanted, but it was cancelled: it lost an anyOf");
  }

  @Test
  void anEndedGenerationsCancellationDoesNotCancelTheNextGenerationsTaskWithTheSameId() {
    // Generation 0 ended while task 4 ran: its cancellation is remembered for attempts to come.
    assertThat(attempts.cancel(new RunningAttempts.Key("order-7", 0, 4, 1), "Instance order-7 ended CONTINUED_AS_NEW")).isFalse();

    TaskContext nextGeneration = attempts.begin(task().setGeneration(1).build());
    TaskContext sameGeneration = attempts.begin(task().setGeneration(0).build());

    assertThat(nextGeneration.isCancelled()).isFalse();
    assertThat(sameGeneration.isCancelled()).isTrue();
  }

  @Test
  void aCancellationOfAnotherAttemptDoesNotTouchThisOne() {
    TaskContext context = attempts.begin(task().build());

    assertThat(attempts.cancel(new RunningAttempts.Key("order-7", 0, 4, 2), "timed out")).isFalse();

    assertThat(context.isCancelled()).isFalse();
  }

  @Test
  void anAttemptPastItsDeadlineIsCancelled() {
    TaskContext onTime = attempts.begin(task().setDeadline(NOW.plusSeconds(1)).build());
    TaskContext late = attempts.begin(task().setTaskId(5).setDeadline(NOW.minusMillis(1)).build());

    assertThat(onTime.isCancelled()).isFalse();
    assertThat(late.isCancelled()).isTrue();
    assertThatThrownBy(late::heartbeat).isInstanceOf(ActivityCanceledException.class)
        .hasMessageContaining("deadline 2026-12-06T11:59:59.999Z passed");
  }
}

package io.gregor.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.FailureDetails;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every consumption mode must do, against the real broker and registry. Subclasses choose
 * the mode and add mode-specific behaviour.
 */
abstract class ActivityWorkerContractTest {

  protected WorkerFixture fixture;

  abstract ConsumptionMode mode();

  @BeforeEach
  void createFixture(TestInfo info) {
    fixture = new WorkerFixture(mode().name().substring(0, 5) + info.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void closeFixture() throws Exception {
    fixture.close();
  }

  @Test
  void tasksWrittenBeforeAndAfterTheWorkerStartsEachYieldExactlyOneResult() {
    // given five tasks written before the worker exists
    for (int i = 1; i <= 5; i++) {
      fixture.send(fixture.task("before-" + i, i, "Echo", "hello " + i));
    }
    ActivityWorker worker = fixture.start(fixture.worker(mode()).registerActivity(new Echo()));
    // when five more are written after it started
    for (int i = 1; i <= 5; i++) {
      fixture.send(fixture.task("after-" + i, i, "Echo", "world " + i));
    }
    TopicReader<String, ActivityResult> results = fixture.results();
    results.await(10, WorkerFixture.TIMEOUT);
    worker.close(); // writes everything it will ever write, so reading to the end is complete

    // then each task has exactly one result, with its output
    List<ConsumerRecord<String, ActivityResult>> records = results.readToEnd(WorkerFixture.TIMEOUT);
    // the orchestrator's inbox carries every kind of input: each result says it is one
    assertThat(records).allSatisfy(r -> assertThat(r.headers().lastHeader(InputKind.HEADER).value())
        .isEqualTo(InputKind.RESULT.headerValue()));
    List<ActivityResult> all = records.stream().map(ConsumerRecord::value).toList();
    Map<String, Long> perTask = all.stream().collect(Collectors.groupingBy(
        r -> r.getInstanceId() + "/" + r.getTaskId(), Collectors.counting()));
    assertThat(perTask).hasSize(10).allSatisfy((task, count) -> assertThat(count).as(task).isEqualTo(1));
    Map<String, String> outputs = all.stream().collect(Collectors.toMap(
        ActivityResult::getInstanceId, r -> fixture.converter.deserialize(r.getOutput(), String.class)));
    assertThat(outputs).containsEntry("before-3", "HELLO 3").containsEntry("after-5", "WORLD 5");
    assertThat(all).allSatisfy(r -> {
      assertThat(r.getSucceeded()).isTrue();
      assertThat(r.getFailure()).isNull();
      assertThat(r.getAttempt()).isEqualTo(1);
      assertThat(r.getWorkerId()).isEqualTo("worker-1");
    });
  }

  @Test
  void anActivityThatThrowsYieldsAFailedResultWithTheExceptionTypeAndMessage() {
    fixture.start(fixture.worker(mode())
        .registerActivity("Charge", ctx -> {
          throw new IllegalStateException("Expected card 4242 to be valid, but it was declined");
        })
        .registerActivity("Reflective", ctx -> {
          throw new InvocationTargetException(new UnsupportedOperationException("inner failure"));
        }));

    fixture.send(fixture.task("pay-1", 7, "Charge", 10));
    fixture.send(fixture.task("pay-2", 8, "Reflective", null));

    Map<String, ActivityResult> results = byInstance(fixture.results().await(2, WorkerFixture.TIMEOUT));
    ActivityResult charge = results.get("pay-1");
    assertThat(charge.getSucceeded()).isFalse();
    assertThat(charge.getOutput()).isNull();
    assertThat(charge.getTaskId()).isEqualTo(7);
    FailureDetails failure = charge.getFailure();
    assertThat(failure.getErrorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failure.getMessage()).isEqualTo("Expected card 4242 to be valid, but it was declined");
    assertThat(failure.getStackTrace()).contains("IllegalStateException");
    assertThat(failure.getNonRetriable()).isFalse();
    // reflection wrappers are unwrapped: the orchestrator matches on the real type
    assertThat(results.get("pay-2").getFailure().getErrorType())
        .isEqualTo(UnsupportedOperationException.class.getName());
    assertThat(results.get("pay-2").getFailure().getMessage()).isEqualTo("inner failure");
  }

  @Test
  void anUnknownActivityYieldsANonRetriableFailureNamingIt() {
    fixture.start(fixture.worker(mode()).registerActivity(new Echo()).registerActivity("Audit", ctx -> null));

    fixture.send(fixture.task("order-9", 3, "ShipParcel", "x"));

    ActivityResult result = fixture.results().await(1, WorkerFixture.TIMEOUT).get(0).value();
    assertThat(result.getSucceeded()).isFalse();
    assertThat(result.getFailure().getNonRetriable()).isTrue();
    assertThat(result.getFailure().getErrorType()).isEqualTo(ActivityNotRegisteredException.class.getName());
    assertThat(result.getFailure().getMessage()).isEqualTo(
        "No activity named 'ShipParcel' is registered on worker worker-1; registered: [Audit, Echo]");
  }

  @Test
  void unreadableTaskRecordsAreDeadLetteredAndTheNextTaskStillRuns() {
    ActivityWorker.Builder builder = fixture.worker(mode()).registerActivity(new Echo());
    fixture.start(builder);

    // given a record that is not Avro at all, and one with a schema id no registry knows
    byte[] json = "{\"not\":\"avro\"}".getBytes(UTF_8);
    RecordMetadata garbage = fixture.sendRaw("bad/1", json);
    byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654_321).putInt(42).array();
    fixture.sendRaw("bad/2", unknownId);
    // when a good task follows them
    fixture.send(fixture.task("good", 1, "Echo", "still here"));

    // then the good task still runs
    ActivityResult good = fixture.results().await(1, WorkerFixture.TIMEOUT).get(0).value();
    assertThat(fixture.converter.deserialize(good.getOutput(), String.class)).isEqualTo("STILL HERE");
    // and both bad records are on the dead-letter topic, byte for byte, with the reason
    Map<String, ConsumerRecord<byte[], byte[]>> letters = fixture.deadLetters()
        .await(2, WorkerFixture.TIMEOUT).stream()
        .collect(Collectors.toMap(r -> new String(r.key(), UTF_8), Function.identity()));
    ConsumerRecord<byte[], byte[]> first = letters.get("bad/1");
    assertThat(first.value()).isEqualTo(json);
    assertThat(header(first, "gregor.error.reason")).startsWith("Expected magic byte 0");
    assertThat(header(first, "gregor.error.topic")).isEqualTo(fixture.topics.activityTasks());
    assertThat(header(first, "gregor.error.partition")).isEqualTo(Integer.toString(garbage.partition()));
    assertThat(header(first, "gregor.error.offset")).isEqualTo(Long.toString(garbage.offset()));
    assertThat(header(first, "gregor.error.source")).isEqualTo("activity-worker worker-1");
    assertThat(header(letters.get("bad/2"), "gregor.error.reason")).contains("unknown id 987654321");
  }

  @Test
  void noMoreThanMaxConcurrencyActivitiesRunAtOnce() throws Exception {
    int limit = 3;
    int taskCount = 10;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch limitReached = new CountDownLatch(limit);
    CountDownLatch release = new CountDownLatch(1);
    // given more tasks than may run at once, all waiting before the worker starts
    for (int i = 1; i <= taskCount; i++) {
      fixture.send(fixture.task("gate-" + i, i, "Gate", null));
    }
    // when a worker whose activities block until released takes them
    fixture.start(fixture.worker(mode())
        .maxConcurrency(limit)
        // Fetch more than may run, so that the permits (not only the fetch size) are tested.
        .kafkaProperty("max.poll.records", taskCount)
        .registerActivity("Gate", ctx -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          limitReached.countDown();
          try {
            release.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          } finally {
            running.decrementAndGet();
          }
          return ctx.getTaskId();
        }));

    // then the limit is reached but never exceeded
    assertThat(limitReached.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(running.get()).isEqualTo(limit);
    release.countDown();
    fixture.results().await(taskCount, WorkerFixture.TIMEOUT);
    assertThat(maxRunning.get()).isEqualTo(limit);
  }

  static Map<String, ActivityResult> byInstance(List<ConsumerRecord<String, ActivityResult>> records) {
    Map<String, ActivityResult> map = new HashMap<>();
    records.forEach(r -> map.put(r.value().getInstanceId(), r.value()));
    return map;
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header " + name).isNotNull();
    return new String(header.value(), UTF_8);
  }
}

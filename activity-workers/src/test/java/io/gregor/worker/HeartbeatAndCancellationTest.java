package io.gregor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.testkit.Await;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Heartbeats and cancellation against the real broker and registry: heartbeats reach the
 * orchestrator's inbox, the last details go with the result, and a cancellation written to the
 * cancellations topic makes the running activity's next heartbeat throw.
 */
class HeartbeatAndCancellationTest {

  private WorkerFixture fixture;

  @BeforeEach
  void createFixture(TestInfo info) {
    fixture = new WorkerFixture(info.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void closeFixture() throws Exception {
    fixture.close();
  }

  private static Predicate<ConsumerRecord<byte[], byte[]>> kind(InputKind kind) {
    return r -> r.headers().lastHeader(InputKind.HEADER) != null
        && kind == InputKind.fromHeader(r.headers().lastHeader(InputKind.HEADER).value()).orElse(null);
  }

  @Test
  void heartbeatsReachTheInboxAndTheLastDetailsGoWithTheResult() throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    ActivityWorker worker = fixture.start(fixture.worker(ActivityWorker.DEFAULT_MODE)
        .registerActivity("Copy", ctx -> {
          ctx.heartbeat("page 1");
          finish.await(1, TimeUnit.MINUTES);
          ctx.heartbeat("page 2");
          return "copied";
        }));
    fixture.send(fixture.task("copy-1", 3, "Copy", null));

    // then the first heartbeat is in the inbox, keyed and marked like a result
    TopicReader<byte[], byte[]> inbox = fixture.inbox();
    ConsumerRecord<byte[], byte[]> beat =
        inbox.awaitMatching(1, kind(InputKind.HEARTBEAT), WorkerFixture.TIMEOUT).get(0);
    assertThat(new String(beat.key())).isEqualTo("copy-1");
    ActivityHeartbeat heartbeat = fixture.decode(ActivityHeartbeat.class, beat.value());
    assertThat(heartbeat.getTaskId()).isEqualTo(3);
    assertThat(heartbeat.getAttempt()).isEqualTo(1);
    assertThat(heartbeat.getWorkerId()).isEqualTo("worker-1");
    assertThat(fixture.converter.deserialize(heartbeat.getDetails(), String.class)).isEqualTo("page 1");
    assertThat(worker.heartbeatsSent()).isEqualTo(1);

    // and when the activity ends, its result carries the details it recorded last
    finish.countDown();
    ConsumerRecord<byte[], byte[]> last =
        inbox.awaitMatching(1, kind(InputKind.RESULT), WorkerFixture.TIMEOUT).get(0);
    ActivityResult result = fixture.decode(ActivityResult.class, last.value());
    assertThat(result.getSucceeded()).isTrue();
    assertThat(fixture.converter.deserialize(result.getHeartbeatDetails(), String.class)).isEqualTo("page 2");
  }

  @Test
  void aCancellationMakesTheRunningActivitysNextHeartbeatThrow() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    ActivityWorker worker = fixture.start(fixture.worker(ActivityWorker.DEFAULT_MODE)
        .registerActivity("Poll", ctx -> {
          started.countDown();
          long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
          while (System.nanoTime() < giveUp) {
            ctx.heartbeat(); // throws once cancelled
            Thread.sleep(20);
          }
          return "never cancelled";
        }));
    Await.until(WorkerFixture.TIMEOUT, worker::readsCancellations, () -> "the worker to read cancellations");
    fixture.send(fixture.task("race-1", 2, "Poll", null));
    assertThat(started.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // when the orchestrator cancels the attempt
    fixture.sendCancellation(new ActivityCancellation("race-1", 2, 1, "the task lost an anyOf", null));

    // then the activity stopped with the reason, which its failed result reports
    ConsumerRecord<byte[], byte[]> record =
        fixture.inbox().awaitMatching(1, kind(InputKind.RESULT), WorkerFixture.TIMEOUT).get(0);
    ActivityResult result = fixture.decode(ActivityResult.class, record.value());
    assertThat(result.getSucceeded()).isFalse();
    assertThat(result.getFailure().getErrorType()).isEqualTo(ActivityCanceledException.class.getName());
    assertThat(result.getFailure().getMessage()).isEqualTo("Expected activity 'Poll' (instance race-1,"
        + " task 2, attempt 1) to be still wanted, but it was cancelled: the task lost an anyOf");
  }
}

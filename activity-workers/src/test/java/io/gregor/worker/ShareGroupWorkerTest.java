package io.gregor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.avro.ActivityResult;
import io.gregor.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The worker in its default mode, a share group (KIP-932), including redelivery after a worker
 * dies or stops mid-task and lock renewal for tasks longer than the acquisition lock.
 */
class ShareGroupWorkerTest extends ActivityWorkerContractTest {

  /** The broker's minimum (group.share.min.record.lock.duration.ms), to keep tests short. */
  private static final String SHORTEST_LOCK_MS = "15000";

  @Override
  ConsumptionMode mode() {
    return ConsumptionMode.SHARE_GROUP;
  }

  @Test
  void aTaskAcquiredByAMemberThatDiesWithoutAcknowledgingRunsWhenItsLockExpires() throws Exception {
    // One task partition: the share-group assignor then gives it to every member, so the new
    // worker surely fetches from the partition the doomed member keeps in its assignment.
    WorkerFixture fixture = this.fixture.track(new WorkerFixture("SHAREdeadMember", 1));
    // given a group member that acquired the task and then stopped (hung, or died without
    // leaving: its lock is not released, it expires)
    String group = fixture.defaultGroupId();
    fixture.configureShareGroup(group, Map.of(
        "share.auto.offset.reset", "earliest", "share.record.lock.duration.ms", SHORTEST_LOCK_MS));
    fixture.send(fixture.task("orphan", 1, "Echo", "finally"));
    KafkaShareConsumer<byte[], byte[]> dead = fixture.track(new KafkaShareConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.infra.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    dead.subscribe(List.of(fixture.topics.activityTasks()));
    AtomicInteger acquired = new AtomicInteger();
    Await.until(WorkerFixture.TIMEOUT, () -> {
      ConsumerRecords<byte[], byte[]> records = dead.poll(Duration.ofMillis(200));
      acquired.addAndGet(records.count());
      return acquired.get() > 0;
    }, () -> "the doomed member to acquire the task");

    // when a worker joins the group
    AtomicInteger runs = new AtomicInteger();
    ActivityWorker worker = fixture.start(fixture.worker(mode())
        .registerActivity("Echo", ctx -> {
          runs.incrementAndGet();
          return new Echo().run(ctx);
        }));

    // then it runs the task once the lock expired, exactly once
    TopicReader<String, ActivityResult> results = fixture.results();
    ActivityResult result = results.await(1, WorkerFixture.TIMEOUT).get(0).value();
    assertThat(fixture.converter.deserialize(result.getOutput(), String.class)).isEqualTo("FINALLY");
    worker.close();
    assertThat(results.readToEnd(WorkerFixture.TIMEOUT)).hasSize(1);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void aWorkerThatStopsMidTaskGivesTheTaskBackAndAnotherWorkerCompletesIt() throws Exception {
    // given two workers whose first run of the task hangs until the worker gives up on it
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger firstRunner = new AtomicInteger();
    CountDownLatch firstRunStarted = new CountDownLatch(1);
    List<ActivityWorker> workers = new ArrayList<>();
    for (int w = 1; w <= 2; w++) {
      int worker = w;
      workers.add(fixture.start(fixture.worker(mode())
          .consumers(1)
          .shutdownTimeout(Duration.ofMillis(200))
          .registerActivity("Hang", ctx -> {
            if (runs.incrementAndGet() == 1) {
              firstRunner.set(worker);
              firstRunStarted.countDown();
              new CountDownLatch(1).await(); // until the worker gives up on it and interrupts it
            }
            return "done";
          })));
    }
    fixture.awaitStableShareGroup(fixture.defaultGroupId(), 2);
    fixture.send(fixture.task("stuck", 1, "Hang", null));
    assertThat(firstRunStarted.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // when the worker running it stops before the activity finished
    workers.get(firstRunner.get() - 1).close();

    // then the other worker runs the task again, and only its result is written
    TopicReader<String, ActivityResult> results = fixture.results();
    ActivityResult result = results.await(1, WorkerFixture.TIMEOUT).get(0).value();
    String other = "worker-" + (3 - firstRunner.get());
    assertThat(result.getWorkerId()).isEqualTo(other);
    assertThat(result.getSucceeded()).isTrue();
    workers.forEach(ActivityWorker::close);
    assertThat(results.readToEnd(WorkerFixture.TIMEOUT)).hasSize(1);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aTaskDeliveredAsOftenAsTheLimitAllowsFailsWithTheReasonInsteadOfRunningAgain() throws Exception {
    WorkerFixture fixture = this.fixture.track(new WorkerFixture("SHAREpoison", 1));
    String group = fixture.defaultGroupId();
    fixture.configureShareGroup(group, Map.of(
        "share.auto.offset.reset", "earliest", "share.delivery.count.limit", "2"));
    fixture.send(fixture.task("poison", 1, "Crash", null));
    // given a member that took the task and gave it back without a result (as a crashed
    // worker's lapsed lock does, only faster)
    try (KafkaShareConsumer<byte[], byte[]> crashed = new KafkaShareConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.infra.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      crashed.subscribe(List.of(fixture.topics.activityTasks()));
      AtomicInteger released = new AtomicInteger();
      Await.until(WorkerFixture.TIMEOUT, () -> {
        crashed.poll(Duration.ofMillis(200)).forEach(r -> {
          crashed.acknowledge(r, AcknowledgeType.RELEASE);
          released.incrementAndGet();
        });
        return released.get() > 0;
      }, () -> "the crashing member to take the task");
      crashed.commitSync();
    }

    // when a worker receives the task's last delivery
    AtomicInteger runs = new AtomicInteger();
    fixture.start(fixture.worker(mode()).registerActivity("Crash", ctx -> runs.incrementAndGet()));

    // then it reports the task failed, retriable, with the reason, and does not run it
    ActivityResult result = fixture.results().await(1, WorkerFixture.TIMEOUT).get(0).value();
    assertThat(result.getSucceeded()).isFalse();
    assertThat(result.getFailure().getErrorType()).isEqualTo(ActivityDeliveryLimitException.class.getName());
    assertThat(result.getFailure().getNonRetriable()).isFalse();
    assertThat(result.getFailure().getMessage()).isEqualTo("Expected activity 'Crash' (instance poison,"
        + " task 1, attempt 1) to finish, but it was delivered 2 times without a result: the worker"
        + " running it crashed or hung each time");
    assertThat(runs.get()).isZero();
  }

  @Test
  void aTaskRunningLongerThanItsLockKeepsTheLockByRenewal() throws Exception {
    // given a short lock and a second worker that would take the task if the lock lapsed
    fixture.configureShareGroup(fixture.defaultGroupId(),
        Map.of("share.record.lock.duration.ms", SHORTEST_LOCK_MS));
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Activity slow = ctx -> {
      runs.incrementAndGet();
      started.countDown();
      release.await(2, TimeUnit.MINUTES);
      return "slow but sure";
    };
    ActivityWorker a = fixture.start(fixture.worker(mode()).consumers(1).registerActivity("Slow", slow));
    ActivityWorker b = fixture.start(fixture.worker(mode()).consumers(1).registerActivity("Slow", slow));
    fixture.awaitStableShareGroup(fixture.defaultGroupId(), 2);
    fixture.send(fixture.task("long", 1, "Slow", null));
    assertThat(started.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // when the task runs through three renewals (1.5 lock durations: the first lock has lapsed)
    Await.until(Duration.ofMinutes(1), () -> a.lockRenewals() + b.lockRenewals() >= 3,
        () -> "three lock renewals");
    release.countDown();

    // then it ran once and has one result
    TopicReader<String, ActivityResult> results = fixture.results();
    results.await(1, WorkerFixture.TIMEOUT);
    a.close();
    b.close();
    assertThat(results.readToEnd(WorkerFixture.TIMEOUT)).hasSize(1);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void aSlowActivityDoesNotHoldUpTheTasksBehindIt() throws Exception {
    // One partition, so the slow task and the quick ones share it (a consumer group could not
    // help here; a share group can).
    WorkerFixture fixture = this.fixture.track(new WorkerFixture("SHAREslowFirst", 1));
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    fixture.start(fixture.worker(mode())
        .registerActivity(new Echo())
        .registerActivity("Slow", ctx -> {
          slowStarted.countDown();
          release.await(2, TimeUnit.MINUTES);
          return "slow";
        }));
    // given a slow task running
    fixture.send(fixture.task("slow", 1, "Slow", null));
    assertThat(slowStarted.await(WorkerFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // when quick tasks arrive behind it, one at a time
    for (int i = 1; i <= 5; i++) {
      fixture.send(fixture.task("quick-" + i, i, "Echo", "q" + i));
    }

    // then they all complete while the slow one still runs
    TopicReader<String, ActivityResult> results = fixture.results();
    results.awaitMatching(5, r -> r.value().getInstanceId().startsWith("quick-"), WorkerFixture.TIMEOUT);
    release.countDown();
    results.awaitMatching(1, r -> r.value().getInstanceId().equals("slow"), WorkerFixture.TIMEOUT);
  }
}

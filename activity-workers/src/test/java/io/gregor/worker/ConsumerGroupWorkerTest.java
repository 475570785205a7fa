package io.gregor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.avro.ActivityResult;
import org.junit.jupiter.api.Test;

/** The worker in consumer-group mode, for brokers without share groups. */
class ConsumerGroupWorkerTest extends ActivityWorkerContractTest {

  @Override
  ConsumptionMode mode() {
    return ConsumptionMode.CONSUMER_GROUP;
  }

  @Test
  void aRestartedWorkerResumesAfterTheCommittedTasks() {
    // given a worker that processed three tasks and stopped
    ActivityWorker first = fixture.start(fixture.worker(mode()).registerActivity(new Echo()));
    for (int i = 1; i <= 3; i++) {
      fixture.send(fixture.task("i-" + i, i, "Echo", "a" + i));
    }
    TopicReader<String, ActivityResult> results = fixture.results();
    results.await(3, WorkerFixture.TIMEOUT);
    first.close();

    // when a new worker of the same group starts and one more task arrives
    ActivityWorker second = fixture.start(fixture.worker(mode()).registerActivity(new Echo()));
    fixture.send(fixture.task("i-4", 4, "Echo", "a4"));
    results.await(4, WorkerFixture.TIMEOUT);
    second.close();

    // then only the new task ran again: four results in all
    assertThat(results.readToEnd(WorkerFixture.TIMEOUT)).hasSize(4)
        .extracting(r -> r.value().getInstanceId())
        .containsExactlyInAnyOrder("i-1", "i-2", "i-3", "i-4");
  }
}

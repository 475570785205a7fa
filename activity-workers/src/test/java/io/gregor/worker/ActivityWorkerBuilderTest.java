package io.gregor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Builder validation; no Kafka involved. */
class ActivityWorkerBuilderTest {

  private static ActivityWorker.Builder complete() {
    return ActivityWorker.builder()
        .bootstrapServers("localhost:9092")
        .schemaRegistryUrl("mock://builder-test")
        .registerActivity(new Echo());
  }

  @Test
  void aNamedActivityClassIsRegisteredUnderItsSimpleName() {
    assertThatThrownBy(() -> complete().registerActivity("Echo", ctx -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected unique activity names, but 'Echo' is already registered ("
            + Echo.class.getName() + ")");
  }

  @Test
  void aLambdaNeedsAnExplicitName() {
    assertThatThrownBy(() -> complete().registerActivity(ctx -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Expected an activity of a named class, but found ")
        .hasMessageEndingWith("; register lambdas with registerActivity(name, activity)");
  }

  @Test
  void anAnonymousClassNeedsAnExplicitName() {
    Activity anonymous = new Activity() {
      @Override
      public Object run(ActivityContext ctx) {
        return null;
      }
    };
    assertThatThrownBy(() -> complete().registerActivity(anonymous))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildingWithoutBootstrapServersNamesWhatIsMissing() {
    assertThatThrownBy(() -> ActivityWorker.builder().schemaRegistryUrl("mock://x")
        .registerActivity(new Echo()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Expected bootstrapServers to be set, but found none");
  }

  @Test
  void buildingWithoutActivitiesIsRefused() {
    assertThatThrownBy(() -> ActivityWorker.builder().bootstrapServers("h:1")
        .schemaRegistryUrl("mock://x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Expected at least one registered activity, but found none");
  }

  @Test
  void invalidSettingsFailFastWithWhatWasFound() {
    assertThatThrownBy(() -> ActivityWorker.builder().maxConcurrency(0))
        .hasMessage("Expected maxConcurrency >= 1, but found 0");
    assertThatThrownBy(() -> ActivityWorker.builder().topicPrefix("bad prefix"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActivityWorker.builder().groupId(" "))
        .hasMessage("Expected a non-blank groupId, but found ' '");
    assertThatThrownBy(() -> ActivityWorker.builder().taskQueue("a/b"))
        .hasMessageStartingWith("Expected a task queue name of ASCII letters")
        .hasMessageEndingWith("but found 'a/b'");
  }

  @Test
  void aWorkerCanBeClosedWithoutHavingStartedAndNotStartedAfterClosing() {
    ActivityWorker worker = complete().workerId("w-1").build();
    worker.close();
    worker.close(); // idempotent
    assertThatThrownBy(worker::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Expected a new activity worker, but worker w-1 was already closed");
    assertThat(worker.lockRenewals()).isZero();
  }
}

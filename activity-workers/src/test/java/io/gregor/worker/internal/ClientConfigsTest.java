package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.Activity;
import io.gregor.worker.ConsumptionMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

/** Which client gets which user override, and what the worker keeps for itself. */
class ClientConfigsTest {

  private static ClientConfigs configs(Map<String, Object> overrides) {
    return new ClientConfigs(settings(overrides));
  }

  private static WorkerSettings settings(Map<String, Object> overrides) {
    Activity noop = ctx -> null;
    return new WorkerSettings("h:1", "mock://c", new Topics("p"),
        Map.of("Noop", noop), 8, 3, ConsumptionMode.SHARE_GROUP, "g", "w", DataConverter.defaultConverter(),
        overrides, Duration.ofSeconds(1), null);
  }

  @Test
  void theShareConsumerIsExplicitAndFetchesItsShareOfWhatCanRun() {
    Map<String, Object> share = configs(Map.of()).shareConsumer();
    assertThat(share)
        .containsEntry("share.acknowledgement.mode", "explicit")
        .containsEntry("share.acquire.mode", "record_limit")
        .containsEntry("max.poll.records", 3) // 8 permits over 3 consumers, rounded up
        .containsEntry("group.id", "g");
  }

  @Test
  void overridesGoOnlyToClientsThatKnowThem() {
    ClientConfigs configs = configs(Map.of(
        "security.protocol", "SSL", // every client
        "linger.ms", 5, // producer only
        "isolation.level", "read_uncommitted", // consumer, never the share consumer
        "my.plugin.setting", "x", // nobody knows it: everyone gets it
        "share.acknowledgement.mode", "implicit")); // the worker's own: ignored
    assertThat(configs.producer()).containsEntry("security.protocol", "SSL")
        .containsEntry("linger.ms", 5).containsEntry("my.plugin.setting", "x")
        .doesNotContainKey("isolation.level").containsEntry("enable.idempotence", true)
        .containsEntry("acks", "all");
    assertThat(configs.shareConsumer()).containsEntry("security.protocol", "SSL")
        .doesNotContainKeys("linger.ms", "isolation.level")
        .containsEntry("share.acknowledgement.mode", "explicit");
    assertThat(configs.groupConsumer()).containsEntry("isolation.level", "read_uncommitted")
        .containsEntry("enable.auto.commit", false).containsEntry("auto.offset.reset", "earliest");
    assertThat(configs.admin()).containsEntry("security.protocol", "SSL").doesNotContainKey("linger.ms");
  }

  @Test
  void tasksAreReadSpeculativelyUnlessTheIsolationLevelIsOverridden() {
    // given no override, then both kinds of consumer read tasks before their transaction commits
    assertThat(configs(Map.of()).groupConsumer()).containsEntry("isolation.level", "read_uncommitted");
    assertThat(settings(Map.of()).isolationLevel()).isEqualTo("read_uncommitted");

    // given speculative dispatch turned off, then both read committed tasks only
    Map<String, Object> off = Map.of("isolation.level", "read_committed");
    assertThat(configs(off).groupConsumer()).containsEntry("isolation.level", "read_committed");
    assertThat(settings(off).isolationLevel()).isEqualTo("read_committed");
  }

  @Test
  void theCancellationReaderHasNoGroupAndReadsCommittedCancellationsFromTheEnd() {
    Map<String, Object> cancellations = configs(Map.of(
        "security.protocol", "SSL", "group.id", "someone-elses", "isolation.level", "read_uncommitted"))
        .cancellationConsumer();
    assertThat(cancellations).containsEntry("security.protocol", "SSL")
        .doesNotContainKey("group.id")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "latest")
        .containsEntry("isolation.level", "read_committed");
  }

  @Test
  void theDeliveryLimitIsTheGroupsOrTheBrokerDefault() {
    var described = new Config(List.of(
        new ConfigEntry("share.delivery.count.limit", "3")));
    assertThat(ShareGroupSetup.deliveryLimitOf(described)).isEqualTo(3);
    assertThat(ShareGroupSetup.deliveryLimitOf(new Config(List.of())))
        .isEqualTo(5);
    assertThat(ShareGroupSetup.deliveryLimitOf(null)).isEqualTo(5);
  }
}

package io.gregor.worker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures the share group before the worker first joins it.
 *
 * <p>A share group starts reading a partition at its <em>latest</em> offset by default, so tasks
 * scheduled before the first worker came up would never run: set
 * {@code share.auto.offset.reset=earliest}. And it delivers uncommitted transactional records by
 * default, while the orchestrator writes tasks inside Kafka transactions that may abort: set
 * {@code share.isolation.level=read_committed} (override with {@code kafkaProperty(
 * "isolation.level", "read_uncommitted")} to dispatch speculatively). Both only matter when a
 * share partition is first initialized, so this runs before subscribing and waits until the
 * broker reports the values.
 */
final class ShareGroupSetup {

  /** Group config: where a new share partition starts. */
  static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
  /** Group config: whether uncommitted transactional records are delivered. */
  static final String ISOLATION_LEVEL = "share.isolation.level";
  /** Group config: how often a record is delivered before the broker archives it. */
  static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
  /** The broker's default of group.share.delivery.count.limit (Kafka 4.3). */
  static final int DEFAULT_DELIVERY_COUNT_LIMIT = 5;

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupSetup.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RECHECK = Duration.ofMillis(50);

  private ShareGroupSetup() {}

  /**
   * Sets the group configs, logging (not throwing) on failure: the worker still runs, e.g. when
   * it may not alter configs and operators set them up beforehand.
   *
   * @return the group's delivery count limit, as the broker describes it; the broker default if
   *     it cannot be read
   */
  static int configure(Map<String, Object> adminProps, String groupId, String isolationLevel) {
    Map<String, String> wanted = Map.of(AUTO_OFFSET_RESET, "earliest", ISOLATION_LEVEL, isolationLevel);
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    Collection<AlterConfigOp> ops = wanted.entrySet().stream()
        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
        .toList();
    try (Admin admin = Admin.create(adminProps)) {
      admin.incrementalAlterConfigs(Map.of(group, ops)).all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Config config = awaitVisible(admin, group, wanted);
      LOG.debug("Share group {} configured with {}", groupId, wanted);
      return deliveryLimitOf(config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn("Expected to set {} on share group {}, but it failed: {}. Unless an operator set"
          + " them, tasks written before the group first started may be skipped.",
          wanted, groupId, cause.toString());
    }
    return DEFAULT_DELIVERY_COUNT_LIMIT;
  }

  /** The group's limit, which the broker describes with its default when the group sets none. */
  static int deliveryLimitOf(Config config) {
    ConfigEntry entry = config == null ? null : config.get(DELIVERY_COUNT_LIMIT);
    if (entry == null || entry.value() == null) {
      return DEFAULT_DELIVERY_COUNT_LIMIT;
    }
    try {
      return Integer.parseInt(entry.value());
    } catch (NumberFormatException e) {
      return DEFAULT_DELIVERY_COUNT_LIMIT;
    }
  }

  /**
   * The controller accepts the change before every broker applied it; the share coordinator
   * reads it from the broker's metadata, so wait until describeConfigs shows it.
   */
  private static Config awaitVisible(Admin admin, ConfigResource group, Map<String, String> wanted)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Config config = admin.describeConfigs(List.of(group)).all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group);
      boolean visible = wanted.entrySet().stream().allMatch(e -> {
        ConfigEntry entry = config == null ? null : config.get(e.getKey());
        return entry != null && e.getValue().equals(entry.value());
      });
      if (visible) {
        return config;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Expected group configs " + wanted + " to become visible within "
            + TIMEOUT + ", but found " + config);
      }
      Thread.sleep(RECHECK.toMillis());
    }
  }
}

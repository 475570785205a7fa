package io.gregor.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Configures Kafka share groups (KIP-932) through their dynamic group configs.
 *
 * <p>Share-group behaviour such as where a new group starts reading
 * ({@code share.auto.offset.reset}, default {@code latest}), how long a delivered record stays
 * locked to one consumer ({@code share.record.lock.duration.ms}, default 30 s) or how often a
 * record is redelivered ({@code share.delivery.count.limit}, default 5) is not a consumer
 * property: {@code KafkaShareConsumer} ignores unknown properties such as
 * {@code share.auto.offset.reset} (and rejects {@code auto.offset.reset}). They are group
 * configs, set with {@link Admin#incrementalAlterConfigs} on a {@link ConfigResource.Type#GROUP}
 * resource named after the group id. The group does not need to exist yet.
 *
 * <p>Set them before the first consumer of the group fetches: the group fixes a partition's start
 * offset the first time it reads it, and later changes of {@code share.auto.offset.reset} do not
 * move it. The change becomes visible asynchronously (through the metadata log), so these methods
 * wait until {@link Admin#describeConfigs} reports it.
 */
public final class ShareGroups {

    /** Group config: where a share group starts on a partition it has never read. */
    public static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    /** Group config: how long a delivered record stays locked to its consumer before redelivery. */
    public static final String RECORD_LOCK_DURATION_MS = "share.record.lock.duration.ms";
    /** Group config: after how many deliveries a record is archived instead of redelivered. */
    public static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private ShareGroups() {
    }

    /**
     * Makes a share group start from the earliest offset, so records produced before its first
     * member joined are delivered too; waits until the broker reports the setting.
     *
     * @param admin   an admin client of the cluster
     * @param groupId the share group's id ({@code group.id} of its consumers)
     * @param timeout how long to wait for the setting to apply
     */
    public static void startFromEarliest(Admin admin, String groupId, Duration timeout) {
        configure(admin, groupId, Map.of(AUTO_OFFSET_RESET, "earliest"), timeout);
    }

    /**
     * Sets group configs of a share group and waits until the broker reports all of them.
     *
     * @param admin   an admin client of the cluster
     * @param groupId the share group's id
     * @param configs group configs, e.g. {@code Map.of("share.record.lock.duration.ms", "5000")}
     * @param timeout how long to wait for the settings to apply
     * @throws IllegalStateException if the broker refuses a setting or it is not visible in time
     */
    public static void configure(Admin admin, String groupId, Map<String, String> configs, Duration timeout) {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        List<AlterConfigOp> ops = configs.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            while (true) {
                Config current = admin.describeConfigs(List.of(group)).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(group);
                Map<String, String> seen = configs.keySet().stream()
                        .collect(Collectors.toMap(key -> key, key -> valueOf(current.get(key))));
                if (seen.equals(configs)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Expected share group " + groupId + " to have configs " + configs
                            + " within " + timeout.toMillis() + " ms, but found " + seen);
                }
                TimeUnit.NANOSECONDS.sleep(POLL_INTERVAL.toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while configuring share group " + groupId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Expected to set configs " + configs + " on share group " + groupId
                    + ", but the broker answered: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private static String valueOf(ConfigEntry entry) {
        return entry == null ? "(absent)" : entry.value();
    }
}

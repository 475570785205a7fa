package io.gregor.worker.internal;

import io.gregor.worker.ConsumptionMode;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task topic's lag for the worker's group, asked of the broker when metrics are scraped and
 * kept for {@link #FRESH}, so that frequent scrapes cost the broker little: the records after the
 * group's committed offset (consumer group) or share-partition start offset (share group), summed
 * over the topic's partitions. Every worker of a group reports the same figure.
 */
final class TaskLag implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskLag.class);
  static final Duration FRESH = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Map<String, Object> adminConfig;
  private final String topic;
  private final String groupId;
  private final ConsumptionMode mode;
  private final Clock clock;
  private Admin admin;
  private long computedAt = Long.MIN_VALUE;
  private double lag = Double.NaN;

  TaskLag(Map<String, Object> adminConfig, String topic, String groupId, ConsumptionMode mode, Clock clock) {
    this.adminConfig = adminConfig;
    this.topic = topic;
    this.groupId = groupId;
    this.mode = mode;
    this.clock = clock;
  }

  /** @return the lag in records, or NaN if the broker could not tell */
  synchronized double records() {
    long now = clock.monotonicTime();
    if (computedAt != Long.MIN_VALUE && now - computedAt < FRESH.toNanos()) {
      return lag;
    }
    computedAt = now;
    try {
      lag = compute();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      LOG.debug("Cannot read the lag of group {} on {}: {}", groupId, topic, e.toString());
      lag = Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lag = Double.NaN;
    }
    return lag;
  }

  private double compute() throws ExecutionException, TimeoutException, InterruptedException {
    if (admin == null) {
      admin = Admin.create(adminConfig);
    }
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> consumed = consumedOffsets();
    long sum = 0;
    for (TopicPartition partition : latest.keySet()) {
      long from = consumed.getOrDefault(partition, starts.get(partition).offset());
      sum += Math.max(0, ends.get(partition).offset() - from);
    }
    return sum;
  }

  /** @return where the group is on each partition it has a position on */
  private Map<TopicPartition, Long> consumedOffsets() throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    if (mode == ConsumptionMode.SHARE_GROUP) {
      Map<TopicPartition, SharePartitionOffsetInfo> info = admin.listShareGroupOffsets(Map.of(groupId, new ListShareGroupOffsetsSpec()))
          .partitionsToOffsetInfo(groupId).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      info.forEach((partition, state) -> {
        if (state != null) {
          offsets.put(partition, state.startOffset());
        }
      });
    } else {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      committed.forEach((partition, offset) -> {
        if (offset != null) {
          offsets.put(partition, offset.offset());
        }
      });
    }
    return offsets;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
  }
}

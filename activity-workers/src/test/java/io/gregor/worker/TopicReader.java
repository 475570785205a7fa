package io.gregor.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic from the beginning (assigned partitions, no group), keeping every record
 * seen, so tests can wait for records and then check that no duplicates exist.
 */
final class TopicReader<K, V> implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<K, V> consumer;
  private final List<ConsumerRecord<K, V>> seen = new ArrayList<>();
  private final String topic;

  TopicReader(String bootstrapServers, String topic, Deserializer<K> keys, Deserializer<V> values) {
    this.topic = topic;
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, keys, values);
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until {@code count} records match, then returns every matching record seen. */
  List<ConsumerRecord<K, V>> awaitMatching(int count, Predicate<ConsumerRecord<K, V>> matching,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.stream().filter(matching).count() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Expected " + count + " matching records on " + topic + " within "
            + timeout + ", but found " + seen.stream().filter(matching).count() + " among " + seen);
      }
      consumer.poll(POLL).forEach(seen::add);
    }
    return seen.stream().filter(matching).toList();
  }

  /** Polls until {@code count} records were seen, then returns all of them. */
  List<ConsumerRecord<K, V>> await(int count, Duration timeout) {
    return awaitMatching(count, r -> true, timeout);
  }

  /** Reads up to the current end of every partition and returns every record seen. */
  List<ConsumerRecord<K, V>> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Expected to read " + topic + " to its end " + end + " within "
            + timeout + ", but did not");
      }
      consumer.poll(POLL).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}

package io.gregor.worker.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The properties of the worker's Kafka clients. User overrides ({@code kafkaProperty}) go to
 * every client that knows the key, so one override list can carry security settings for all of
 * them without each client warning about the others' keys; a key no client knows (a plugin's
 * own setting) goes to all of them.
 */
final class ClientConfigs {

  /** Settings a share consumer rejects at construction (ShareConsumerConfig, Kafka 4.3). */
  static final Set<String> NOT_FOR_SHARE_CONSUMERS = Set.of(
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
      ConsumerConfig.ISOLATION_LEVEL_CONFIG,
      ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
      ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
      ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
      ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
      ConsumerConfig.GROUP_PROTOCOL_CONFIG,
      ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

  /** Distinguishes the clients of several workers in one JVM (tests, several task queues). */
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final WorkerSettings settings;
  private final String clientIdBase;

  ClientConfigs(WorkerSettings settings) {
    this.settings = settings;
    this.clientIdBase = "gregor-worker-" + settings.workerId() + "-" + SEQUENCE.incrementAndGet();
  }

  /** The same settings for the consumer of another poll loop (distinct client ids). */
  ClientConfigs forConsumer(int index) {
    return new ClientConfigs(settings, clientIdBase + "-" + index);
  }

  private ClientConfigs(WorkerSettings settings, String clientIdBase) {
    this.settings = settings;
    this.clientIdBase = clientIdBase;
  }

  /**
   * How many records one consumer fetches at a time: the worker's share of maxConcurrency, so
   * that all its consumers together never hold more tasks than can run.
   */
  int recordsPerPoll() {
    return Math.ceilDiv(settings.maxConcurrency(), settings.consumers());
  }

  /** A share consumer in explicit acknowledgement mode that fetches at most what can run. */
  Map<String, Object> shareConsumer() {
    Map<String, Object> props = common("share-consumer");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    // record_limit: acquire no more than max.poll.records and prefetch nothing, so a worker
    // never holds locks on tasks it cannot start yet; idle workers of the group get them.
    props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, recordsPerPoll());
    applyOverrides(props, consumerKeys(true));
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  /** A classic consumer that commits by hand, reading tasks speculatively unless told otherwise. */
  Map<String, Object> groupConsumer() {
    Map<String, Object> props = common("consumer");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, WorkerSettings.DEFAULT_ISOLATION_LEVEL);
    // A new group must not skip the tasks scheduled before its first worker started.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, recordsPerPoll());
    applyOverrides(props, consumerKeys(false));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  /**
   * A consumer without a group that reads every partition of the cancellations topic from its
   * end. It reads committed records only: the orchestrator writes cancellations in its
   * transactions, and an aborted decision must not stop an activity.
   */
  Map<String, Object> cancellationConsumer() {
    Map<String, Object> props = common("cancellations");
    applyOverrides(props, consumerKeys(false));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  /** An idempotent producer for results and dead letters; keys and values arrive serialized. */
  Map<String, Object> producer() {
    Map<String, Object> props = common("producer");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // A result sent at once saves its step up to linger.ms; batches still form under load while
    // earlier requests are in flight.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    applyOverrides(props, ProducerConfig.configNames());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }

  /** An admin client: configures the share group at start-up and reads the task lag for metrics. */
  Map<String, Object> admin() {
    Map<String, Object> props = common("admin");
    applyOverrides(props, AdminClientConfig.configNames());
    return props;
  }

  private Map<String, Object> common(String role) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdBase + "-" + role);
    return props;
  }

  private static Set<String> consumerKeys(boolean share) {
    if (!share) {
      return ConsumerConfig.configNames();
    }
    Set<String> keys = new HashSet<>(ConsumerConfig.configNames());
    keys.removeAll(NOT_FOR_SHARE_CONSUMERS);
    return keys;
  }

  private void applyOverrides(Map<String, Object> props, Set<String> knownHere) {
    List<Set<String>> all = List.of(
        ConsumerConfig.configNames(), ProducerConfig.configNames(), AdminClientConfig.configNames());
    settings.kafkaOverrides().forEach((key, value) -> {
      boolean knownSomewhere = all.stream().anyMatch(names -> names.contains(key));
      if (knownHere.contains(key) || !knownSomewhere) {
        props.put(key, value);
      }
    });
  }
}

package io.gregor.worker;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.Await;
import io.gregor.testkit.GregorInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One test's slice of the shared broker and registry: its own topic prefix (so tests never see
 * each other's records), its topics, a task producer, readers, and the workers it started.
 */
final class WorkerFixture implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  final GregorInfrastructure infra = GregorInfrastructure.shared();
  final Topics topics;
  final DataConverter converter = DataConverter.defaultConverter();
  private final SchemaRegistryClient registry;
  private final Admin admin;
  private final KafkaProducer<String, ActivityTask> tasks;
  private final KafkaProducer<byte[], byte[]> raw;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final AtomicInteger workerCount = new AtomicInteger();

  WorkerFixture(String testName) {
    this(testName, 3);
  }

  WorkerFixture(String testName, int taskPartitions) {
    String prefix = "t-" + testName.replaceAll("[^A-Za-z0-9]", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    topics = new Topics(prefix);
    registry = SchemaRegistryClient.forUrl(infra.schemaRegistryUrl());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
    topics.ensureCreated(admin, 3, taskPartitions, (short) 1);
    Map<String, Object> producerProps = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 0);
    tasks = new KafkaProducer<>(producerProps, new StringSerializer(),
        new AvroSerde<>(registry, ActivityTask.class));
    raw = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A builder wired to this fixture's infrastructure and prefix, with a fresh worker id. */
  ActivityWorker.Builder worker(ConsumptionMode mode) {
    return ActivityWorker.builder()
        .bootstrapServers(infra.bootstrapServers())
        .schemaRegistryUrl(infra.schemaRegistryUrl())
        .topicPrefix(topics.prefix())
        .mode(mode)
        .workerId("worker-" + workerCount.incrementAndGet());
  }

  /** Builds and starts the worker; it is closed with the fixture. */
  ActivityWorker start(ActivityWorker.Builder builder) {
    ActivityWorker worker = builder.build();
    closeables.add(worker);
    worker.start();
    return worker;
  }

  ActivityTask task(String instanceId, int taskId, String activity, Object input) {
    return ActivityTask.newBuilder()
        .setInstanceId(instanceId)
        .setWorkflowName("TestWorkflow")
        .setTaskId(taskId)
        .setActivityName(activity)
        .setInput(input == null ? null : converter.serialize(input))
        .setAttempt(1)
        .setScheduledAt(Instant.now())
        .build();
  }

  RecordMetadata send(ActivityTask task) {
    String key = task.getInstanceId() + "/" + task.getTaskId();
    return get(tasks.send(new ProducerRecord<>(topics.activityTasks(), key, task)));
  }

  RecordMetadata send(ActivityTask task, org.apache.kafka.common.header.Headers headers) {
    String key = task.getInstanceId() + "/" + task.getTaskId();
    return get(tasks.send(new ProducerRecord<>(topics.activityTasks(), null, key, task, headers)));
  }

  RecordMetadata sendRaw(String key, byte[] value) {
    return get(raw.send(new ProducerRecord<>(topics.activityTasks(), key.getBytes(UTF_8), value)));
  }

  TopicReader<String, ActivityResult> results() {
    return track(new TopicReader<>(infra.bootstrapServers(), topics.inbox(),
        new StringDeserializer(), new AvroSerde<>(registry, ActivityResult.class)));
  }

  /** The inbox as it is: results and heartbeats, told apart by their gregor.input header. */
  TopicReader<byte[], byte[]> inbox() {
    return track(new TopicReader<>(infra.bootstrapServers(), topics.inbox(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
  }

  /** Decodes a record value written with the registry, e.g. one read by {@link #inbox()}. */
  <T extends org.apache.avro.specific.SpecificRecord> T decode(Class<T> type, byte[] value) {
    try (AvroSerde<T> serde = new AvroSerde<>(registry, type)) {
      return serde.deserialize(topics.inbox(), value);
    }
  }

  /** Writes a cancellation as the orchestrator does: key {@code <instanceId>/<taskId>}. */
  RecordMetadata sendCancellation(ActivityCancellation cancellation) {
    try (AvroSerde<ActivityCancellation> serde = new AvroSerde<>(registry, ActivityCancellation.class)) {
      byte[] value = serde.serialize(topics.activityCancellations(), cancellation);
      String key = cancellation.getInstanceId() + "/" + cancellation.getTaskId();
      return get(raw.send(new ProducerRecord<>(topics.activityCancellations(), key.getBytes(UTF_8), value)));
    }
  }

  TopicReader<byte[], byte[]> deadLetters() {
    return track(new TopicReader<>(infra.bootstrapServers(), topics.deadLetters(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
  }

  /** Sets share-group configs (e.g. a shorter lock) before any member joins. */
  void configureShareGroup(String groupId, Map<String, String> configs) {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
    Collection<AlterConfigOp> ops = configs.entrySet().stream()
        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
        .toList();
    get(admin.incrementalAlterConfigs(Map.of(group, ops)).all());
  }

  /**
   * Waits until the share group has this many members and a settled assignment. Members joining
   * move partitions between members, and the broker releases a member's acquired records of a
   * partition moved away from it; a test that must see a task run exactly once waits for this
   * before writing the task.
   */
  void awaitStableShareGroup(String groupId, int members) {
    Await.until(TIMEOUT, () -> {
      ShareGroupDescription group;
      try {
        group = admin.describeShareGroups(List.of(groupId)).all().get().get(groupId);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GroupIdNotFoundException) {
          return false; // no member has joined yet
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return group.groupState() == GroupState.STABLE && group.members().size() == members
          && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
    }, () -> "share group " + groupId + " to be stable with " + members + " members");
  }

  String defaultGroupId() {
    return topics.prefix() + "-activity-workers";
  }

  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  static <T> T get(java.util.concurrent.Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    tasks.close();
    raw.close();
    admin.close();
    registry.close();
  }
}

package io.gregor.orchestrator.it.support;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowTerminated;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what Gregor wrote to Kafka, the way an outside observer would: plain consumers with
 * {@code isolation.level=read_committed}, assigned to every partition, no consumer group, reading
 * from the beginning. Nothing here asks the orchestrator; every answer comes from the topics.
 *
 * <p>All methods are static and open and close their own clients, so they can be called from any
 * test (in-process or child-process orchestrators alike). "Until the end" means the end offsets
 * (last stable offsets, under read_committed) taken when the call starts: records committed later
 * are not waited for. To wait for something that has not happened yet use
 * {@link #awaitRecord} or {@link #awaitConsumed}, which poll with a deadline.
 *
 * <p>The history changelog is read as Kafka Streams writes it: topic
 * {@code <applicationId>-gregor-history-changelog}, key {@code [short length][UTF-8 instance
 * id][int sequence of the record's last event]} big-endian, value a Confluent wire-format Avro
 * {@link HistoryBatch}, the events of one step (null for a purged record). The latest value per
 * key wins, as after compaction.
 */
public final class KafkaReads {

    /** Default bound for reads and waits; generous because the machine is shared and slow. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RECHECK = Duration.ofMillis(50);

    private KafkaReads() {
    }

    // ------------------------------------------------------------------ whole topics

    /**
     * Reads every committed record of a topic, from the beginning up to the end offsets taken at
     * the start of the call.
     *
     * @param bootstrapServers the cluster
     * @param topic            the topic (must exist)
     * @param keys             key deserializer
     * @param values           value deserializer
     * @param timeout          how long the read may take
     * @param <K>              key type
     * @param <V>              value type
     * @return the records, partition by partition, each partition in offset order
     * @throws AssertionError if the end is not reached in time
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrapServers, String topic, Deserializer<K> keys,
                                                            Deserializer<V> values, Duration timeout) {
        try (KafkaConsumer<K, V> consumer = consumer(bootstrapServers, topic, keys, values)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Expected to read " + topic + " up to its end offsets " + end + " within " + timeout
                            + ", but read only " + records.size() + " records");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /**
     * {@link #readAll(String, String, Deserializer, Deserializer, Duration)} with raw bytes and
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param bootstrapServers the cluster
     * @param topic            the topic (must exist)
     * @return the records, raw
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), DEFAULT_TIMEOUT);
    }

    /**
     * Reads every committed record of a topic whose value is a Gregor Avro record, keys as UTF-8
     * strings, with {@link #DEFAULT_TIMEOUT}.
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry the values' schemas are in
     * @param topic             the topic (must exist)
     * @param type              the generated Avro class of the values
     * @param <V>               value type
     * @return the records
     */
    public static <V extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, V>> readAllAvro(
            String bootstrapServers, String schemaRegistryUrl, String topic, Class<V> type) {
        try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(schemaRegistryUrl)) {
            return readAll(bootstrapServers, topic, new StringDeserializer(), new AvroSerde<>(registry, type), DEFAULT_TIMEOUT);
        }
    }

    /**
     * Polls a topic from the beginning until a committed record matches.
     *
     * @param bootstrapServers the cluster
     * @param topic            the topic (must exist)
     * @param matching         what to wait for
     * @param timeout          how long to wait
     * @return the first matching record
     * @throws AssertionError if none matches in time
     */
    public static ConsumerRecord<byte[], byte[]> awaitRecord(String bootstrapServers, String topic,
                                                             Predicate<ConsumerRecord<byte[], byte[]>> matching, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            int seen = 0;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    seen++;
                    if (matching.test(record)) {
                        return record;
                    }
                }
            }
            throw new AssertionError("Expected a matching record on " + topic + " within " + timeout + ", but none of the "
                    + seen + " records read matched");
        }
    }

    /**
     * Waits until a consumer group (for Kafka Streams: the application id) has committed an
     * offset past the given record, i.e. the record was processed and its effects committed.
     *
     * @param bootstrapServers the cluster
     * @param groupId          the consumer group, e.g. the orchestrator's application id
     * @param partition        the record's partition
     * @param offset           the record's offset
     * @param timeout          how long to wait
     * @throws AssertionError if the group does not get past the record in time
     */
    public static void awaitConsumed(String bootstrapServers, String groupId, TopicPartition partition, long offset,
                                     Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long committed = -1;
            while (System.nanoTime() < deadline) {
                // Only offsets of committed transactions are returned; pending ones are not (no requireStable:
                // it would only make the broker answer UNSTABLE_OFFSET_COMMIT while the next commit is open).
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                OffsetAndMetadata current = offsets.get(partition);
                committed = current == null ? -1 : current.offset();
                if (committed > offset) {
                    return;
                }
                LockSupport.parkNanos(RECHECK.toNanos());
            }
            throw new AssertionError("Expected group " + groupId + " to commit past offset " + offset + " of " + partition
                    + " within " + timeout + ", but its committed offset is " + committed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for group " + groupId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Cannot read the offsets of group " + groupId + ": " + e, e);
        }
    }

    /**
     * @param bootstrapServers the cluster
     * @param topic            a topic
     * @return the end offset of committed records in each of its partitions (the last stable offset)
     */
    public static Map<TopicPartition, Long> committedEndOffsets(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while reading the end offsets of " + topic, e);
        } catch (ExecutionException e) {
            throw new AssertionError("Cannot read the end offsets of " + topic + ": " + e, e);
        }
    }

    /**
     * @param record a record
     * @param name   a header name
     * @return the last value of that header as UTF-8 text, if present
     */
    public static Optional<String> header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * @param record a record with a byte-array key
     * @return the key as UTF-8 text, or null
     */
    public static String keyText(ConsumerRecord<byte[], ?> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ histories

    /**
     * @param applicationId the orchestrator's Kafka Streams application id
     * @return the changelog topic of the history store
     */
    public static String historyChangelog(String applicationId) {
        return applicationId + "-gregor-history-changelog";
    }

    /**
     * One instance's history as the changelog holds it: latest value per (instance, sequence),
     * purged (tombstoned) events left out.
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param applicationId     the orchestrator's application id
     * @param instanceId        the instance
     * @return the events by sequence number (empty if the instance has no history)
     */
    public static NavigableMap<Integer, HistoryEvent> historyBySequence(String bootstrapServers, String schemaRegistryUrl,
                                                                        String applicationId, String instanceId) {
        return histories(bootstrapServers, schemaRegistryUrl, applicationId).getOrDefault(instanceId, new TreeMap<>());
    }

    /**
     * One committed record of the history changelog.
     *
     * @param instanceId   the instance
     * @param lastSequence the sequence number of its last event (from the key)
     * @param events       its events, or null for a tombstone
     * @param offset       where in the changelog
     */
    public record HistoryRecord(String instanceId, int lastSequence, List<HistoryEvent> events, long offset) {
        /** @return the sequence number of its first event */
        public int firstSequence() {
            return lastSequence - events.size() + 1;
        }
    }

    /**
     * Every committed record of the history changelog, in offset order per partition, rewrites
     * and tombstones included.
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param applicationId     the orchestrator's application id
     * @return the records
     */
    public static List<HistoryRecord> historyRecords(String bootstrapServers, String schemaRegistryUrl, String applicationId) {
        List<HistoryRecord> records = new ArrayList<>();
        String topic = historyChangelog(applicationId);
        try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(schemaRegistryUrl)) {
            AvroSerde<HistoryBatch> serde = new AvroSerde<>(registry, HistoryBatch.class);
            for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrapServers, topic)) {
                ByteBuffer key = ByteBuffer.wrap(record.key());
                byte[] id = new byte[key.getShort()];
                key.get(id);
                List<HistoryEvent> events = record.value() == null ? null : serde.deserialize(topic, record.value()).getEvents();
                records.add(new HistoryRecord(new String(id, StandardCharsets.UTF_8), key.getInt(), events, record.offset()));
            }
        }
        return records;
    }

    /**
     * Every instance's history in the changelog (latest value per key, tombstones removed).
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param applicationId     the orchestrator's application id
     * @return instance id to its events by sequence number
     */
    public static Map<String, NavigableMap<Integer, HistoryEvent>> histories(String bootstrapServers, String schemaRegistryUrl,
                                                                             String applicationId) {
        Map<String, NavigableMap<Integer, HistoryRecord>> latest = new HashMap<>();
        for (HistoryRecord record : historyRecords(bootstrapServers, schemaRegistryUrl, applicationId)) {
            NavigableMap<Integer, HistoryRecord> byKey = latest.computeIfAbsent(record.instanceId(), k -> new TreeMap<>());
            if (record.events() == null) {
                byKey.remove(record.lastSequence());
            } else {
                byKey.put(record.lastSequence(), record);
            }
        }
        Map<String, NavigableMap<Integer, HistoryEvent>> histories = new HashMap<>();
        latest.forEach((id, byKey) -> byKey.values().forEach(record -> {
            for (int i = 0; i < record.events().size(); i++) {
                histories.computeIfAbsent(id, k -> new TreeMap<>()).put(record.firstSequence() + i, record.events().get(i));
            }
        }));
        return histories;
    }

    /**
     * One instance's history in sequence order, checked to be gap-free (sequences 0..n-1): a gap
     * would mean a lost event, which no caller can reason about.
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param applicationId     the orchestrator's application id
     * @param instanceId        the instance
     * @return its events (empty if it has none)
     * @throws AssertionError if the sequence numbers have a gap
     */
    public static List<HistoryEvent> history(String bootstrapServers, String schemaRegistryUrl, String applicationId,
                                             String instanceId) {
        NavigableMap<Integer, HistoryEvent> bySequence = historyBySequence(bootstrapServers, schemaRegistryUrl, applicationId,
                instanceId);
        int expected = 0;
        for (int sequence : bySequence.keySet()) {
            if (sequence != expected) {
                throw new AssertionError("Expected history sequence " + expected + " of instance " + instanceId + ", but found "
                        + sequence + " (sequences: " + bySequence.keySet() + ")");
            }
            expected++;
        }
        return List.copyOf(bySequence.values());
    }

    /**
     * A short, stable text for a history event, for readable assertions: e.g.
     * {@code WorkflowStarted(Chain)}, {@code TaskScheduled(0, Greet, attempt 1)},
     * {@code TaskCompleted(0)}, {@code TaskFailed(0)}, {@code TimerCreated(1)}, {@code TimerFired(1)},
     * {@code EventRaised(approval)}, {@code WorkflowCompleted}, {@code WorkflowFailed(type)},
     * {@code WorkflowTerminated}, {@code TimerCancelled(1)}; other events by their type's name.
     * Payloads and times are left out.
     *
     * @param event the event
     * @return its summary
     */
    public static String summary(HistoryEvent event) {
        return switch (event.getEvent()) {
            case WorkflowStarted s -> "WorkflowStarted(" + s.getWorkflowName() + ")";
            case TaskScheduled s -> "TaskScheduled(" + s.getTaskId() + ", " + s.getActivityName() + ", attempt " + s.getAttempt() + ")";
            case TaskCompleted c -> "TaskCompleted(" + c.getTaskId() + ")";
            case TaskFailed f -> "TaskFailed(" + f.getTaskId() + ")";
            case TimerCreated t -> "TimerCreated(" + t.getTimerId() + ")";
            case TimerFired t -> "TimerFired(" + t.getTimerId() + ")";
            case TimerCancelled t -> "TimerCancelled(" + t.getTimerId() + ")";
            case EventRaised e -> "EventRaised(" + e.getName() + ")";
            case WorkflowCompleted c -> "WorkflowCompleted";
            case WorkflowFailed f -> "WorkflowFailed(" + f.getFailure().getErrorType() + ")";
            case WorkflowTerminated t -> "WorkflowTerminated";
            default -> event.getEvent().getClass().getSimpleName();
        };
    }

    /**
     * @param events history events
     * @return their {@link #summary summaries}, in order
     */
    public static List<String> summaries(List<HistoryEvent> events) {
        return events.stream().map(KafkaReads::summary).toList();
    }

    // ------------------------------------------------------------------ completions

    /**
     * The completion records of one instance on {@code <prefix>.workflow-completions}.
     *
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param topics            the topic names (prefix)
     * @param instanceId        the instance
     * @return its completions in offset order (exactly-once means at most one per run)
     */
    public static List<WorkflowCompletion> completions(String bootstrapServers, String schemaRegistryUrl, Topics topics,
                                                       String instanceId) {
        return readAllAvro(bootstrapServers, schemaRegistryUrl, topics.completions(), WorkflowCompletion.class).stream()
                .filter(r -> instanceId.equals(r.key()))
                .map(ConsumerRecord::value)
                .toList();
    }

    /**
     * @param bootstrapServers  the cluster
     * @param schemaRegistryUrl the registry
     * @param topics            the topic names (prefix)
     * @param instanceId        the instance
     * @return how many completion records the instance has
     */
    public static int countCompletions(String bootstrapServers, String schemaRegistryUrl, Topics topics, String instanceId) {
        return completions(bootstrapServers, schemaRegistryUrl, topics, instanceId).size();
    }

    private static <K, V> KafkaConsumer<K, V> consumer(String bootstrapServers, String topic, Deserializer<K> keys,
                                                       Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A read must never create the topic it looks at.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values);
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEFAULT_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new AssertionError("Expected topic " + topic + " to exist, but it has no partitions");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException | AssertionError e) {
            consumer.close();
            throw e;
        }
    }
}

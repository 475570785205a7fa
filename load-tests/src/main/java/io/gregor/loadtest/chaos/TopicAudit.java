package io.gregor.loadtest.chaos;

import io.gregor.loadtest.chaos.InvariantChecker.Completion;
import io.gregor.loadtest.chaos.InvariantChecker.Event;
import io.gregor.loadtest.chaos.InvariantChecker.HistoryWrite;
import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a run left in Kafka, as an outside observer: plain consumers, no group,
 * {@code isolation.level=read_committed}, every partition from the beginning to the end offsets
 * taken when the read starts.
 *
 * <p>The history changelog is read as Kafka Streams writes it: key {@code [short length][UTF-8
 * instance id][int sequence of the record's last event]} big-endian (the orchestrator's
 * {@code StoreKeys.history}), value a Confluent wire-format Avro {@link HistoryBatch}, the events
 * of one step; every record counts, so an event written twice by two transactions shows.
 */
final class TopicAudit {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private TopicAudit() {
    }

    /**
     * @param bootstrap Kafka
     * @param registry  the schema registry's URL
     * @param topic     the history changelog
     * @return its committed records
     */
    static List<HistoryWrite> history(String bootstrap, String registry, String topic) {
        List<HistoryWrite> writes = new ArrayList<>();
        try (SchemaRegistryClient client = SchemaRegistryClient.forUrl(registry)) {
            AvroSerde<HistoryBatch> serde = new AvroSerde<>(client, HistoryBatch.class);
            readAll(bootstrap, topic, record -> {
                ByteBuffer key = ByteBuffer.wrap(record.key());
                byte[] id = new byte[key.getShort()];
                key.get(id);
                List<Event> events = record.value() == null ? null
                        : serde.deserialize(topic, record.value()).getEvents().stream().map(TopicAudit::event).toList();
                writes.add(new HistoryWrite(new String(id, StandardCharsets.UTF_8), key.getInt(), events));
            });
        }
        return writes;
    }

    /**
     * @param bootstrap Kafka
     * @param registry  the schema registry's URL
     * @param topic     the completions topic
     * @return its committed records, outputs decoded as numbers
     */
    static List<Completion> completions(String bootstrap, String registry, String topic) {
        List<Completion> completions = new ArrayList<>();
        DataConverter converter = DataConverter.defaultConverter();
        try (SchemaRegistryClient client = SchemaRegistryClient.forUrl(registry)) {
            AvroSerde<WorkflowCompletion> serde = new AvroSerde<>(client, WorkflowCompletion.class);
            readAll(bootstrap, topic, record -> {
                if (record.value() == null) {
                    return;
                }
                WorkflowCompletion c = serde.deserialize(topic, record.value());
                Long output;
                try {
                    output = converter.deserialize(c.getOutput(), Long.class);
                } catch (RuntimeException notANumber) {
                    output = null;
                }
                completions.add(new Completion(c.getInstanceId(), c.getStatus().toString(), output,
                        c.getFailure() == null ? null : String.valueOf(c.getFailure())));
            });
        }
        return completions;
    }

    private static Event event(HistoryEvent event) {
        Object e = event.getEvent();
        int taskId = switch (e) {
            case TaskScheduled s -> s.getTaskId();
            case TaskCompleted c -> c.getTaskId();
            case TaskFailed f -> f.getTaskId();
            case ChildWorkflowCompleted c -> c.getTaskId();
            case ChildWorkflowFailed f -> f.getTaskId();
            default -> -1;
        };
        return new Event(e.getClass().getSimpleName(), taskId, event.getTimestamp().toEpochMilli());
    }

    private static void readAll(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Expected to read " + topic + " to its end offsets " + end + " within "
                            + READ_TIMEOUT + ", but did not");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }
}

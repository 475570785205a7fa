package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.engine.CompletionObserver;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes Gregor's completions by reading {@code <prefix>.workflow-completions}
 * (read_committed, every partition assigned, from its end) on one thread, and reports each
 * record whose key is an instance the run awaits.
 *
 * <p>Why not {@code WorkflowClient.waitForInstanceCompletion}: that reads the status topic, which
 * carries a record per status change of every instance, and keeps every instance's status in
 * memory; with a waiter per instance, an open-loop run at thousands of starts per second or a
 * million timers would measure the client's bookkeeping. The completions topic carries exactly
 * one record per finished instance, decoded here only when its key is one the run awaits. The
 * ending is observed when a downstream consumer would see it: when the committed record is polled.
 *
 * <p>Only the first record of an instance is reported: the tracker stops awaiting an instance once
 * it ended, so a duplicated completion is skipped here and counted by {@link CompletionAudit}.
 */
final class CompletionsReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionsReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<WorkflowCompletion> serde;
    private final SchemaRegistryClient registry;
    private final String topic;
    private final CompletionObserver observer;
    private final Thread thread;
    private volatile boolean closing;

    private CompletionsReader(KafkaConsumer<String, byte[]> consumer, SchemaRegistryClient registry, String topic,
                              CompletionObserver observer) {
        this.consumer = consumer;
        this.registry = registry;
        this.serde = new AvroSerde<>(registry, WorkflowCompletion.class);
        this.topic = topic;
        this.observer = observer;
        this.thread = new Thread(this::run, "loadtest-completions");
        this.thread.setDaemon(true);
    }

    /**
     * Positions a consumer at the end of the completions topic, then starts reading. Returns only
     * when the positions are fixed, so no completion of an instance started later can be missed.
     *
     * @param bootstrap   Kafka
     * @param registryUrl schema registry
     * @param topics      topic names
     * @param observer    told of each ending
     * @return the running reader
     */
    static CompletionsReader start(String bootstrap, String registryUrl, Topics topics, CompletionObserver observer) {
        KafkaConsumer<String, byte[]> consumer = committedConsumer(bootstrap, "loadtest-completions");
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(registryUrl);
        try {
            List<TopicPartition> partitions = assignAll(consumer, topics);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // seekToEnd is lazy: resolve it before any instance starts
            CompletionsReader reader = new CompletionsReader(consumer, registry, topics.completions(), observer);
            reader.thread.start();
            return reader;
        } catch (RuntimeException e) {
            consumer.close();
            registry.close();
            throw e;
        }
    }

    /**
     * @param bootstrap Kafka
     * @param clientId  names the consumer in the broker's logs
     * @return a consumer that sees committed records only and commits no offsets
     */
    static KafkaConsumer<String, byte[]> committedConsumer(String bootstrap, String clientId) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                // Bounds how long a fetch may sit at the broker; a completion should never wait on it.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /**
     * @param consumer gets every partition of the completions topic assigned
     * @param topics   the run's topics
     * @return the partitions
     * @throws IllegalStateException if the topic does not exist
     */
    static List<TopicPartition> assignAll(KafkaConsumer<String, byte[]> consumer, Topics topics) {
        String topic = topics.completions();
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Expected topic " + topic + " to exist, but found no partitions for it "
                    + "(is the orchestrator running with prefix '" + topics.prefix() + "'?)");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        return partitions;
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    report(record, System.nanoTime());
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                observer.observationFailed(e);
            }
        } catch (Throwable e) {
            LOG.error("Reading {} failed; completions are no longer observed", topic, e);
            observer.observationFailed(e);
        }
    }

    private void report(ConsumerRecord<String, byte[]> record, long now) {
        if (record.key() == null || record.value() == null || !observer.awaits(record.key())) {
            return; // not one of this run's instances
        }
        boolean succeeded;
        try {
            WorkflowCompletion completion = serde.deserialize(topic, record.value());
            succeeded = completion.getStatus() == RuntimeStatus.COMPLETED;
            if (!succeeded) {
                LOG.warn("Instance {} ended {}: {}", record.key(), completion.getStatus(), completion.getFailure());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the completion of instance {}: {}", record.key(), e.toString());
            succeeded = false;
        }
        observer.completed(record.key(), succeeded, now);
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        registry.close();
    }
}

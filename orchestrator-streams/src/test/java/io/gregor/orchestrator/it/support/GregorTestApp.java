package io.gregor.orchestrator.it.support;

import io.gregor.client.WorkflowClient;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One test class's Gregor, in this JVM, on the shared real broker and registry
 * ({@link GregorInfrastructure#shared()}): its own topic prefix and application id (so classes
 * never see each other's records or stores), its own state directory, an orchestrator running the
 * given workflows, an activity worker running the given activities (share-group mode, the
 * default) and a {@link WorkflowClient}. Create it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}, and give every test its own instance ids ({@link #newInstanceId}).
 *
 * <pre>{@code
 * app = GregorTestApp.builder("patterns")
 *         .workflow("Chain", () -> ctx -> ...)
 *         .activity("Greet", ctx -> "Hello " + ctx.getInput(String.class))
 *         .start();
 * }</pre>
 */
public final class GregorTestApp implements AutoCloseable {

    /** How long a test waits for any one outcome; far above what a healthy run needs. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final GregorInfrastructure infra = GregorInfrastructure.shared();
    private final Topics topics;
    private final String applicationId;
    private final int partitions;
    private final Path stateDir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private GregorOrchestrator orchestrator;
    private ActivityWorker worker;
    private WorkflowClient client;
    private SchemaRegistryClient registry;
    private KafkaProducer<byte[], byte[]> producer;

    private GregorTestApp(Builder builder) throws IOException {
        String prefix = "it-" + builder.name.replaceAll("[^A-Za-z0-9]", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.topics = new Topics(prefix);
        this.applicationId = prefix + "-orchestrator";
        this.partitions = builder.partitions;
        this.stateDir = Files.createTempDirectory("gregor-it-" + builder.name.replaceAll("[^A-Za-z0-9]", ""));
    }

    /**
     * @param name names the test class in topic names and directories (letters and digits are kept)
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    private void start(Builder builder) throws TimeoutException {
        GregorOrchestrator.Builder orchestratorBuilder = GregorOrchestrator.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .applicationId(applicationId)
                .stateDir(stateDir.toString())
                .partitions(builder.partitions)
                .taskPartitions(builder.taskPartitions)
                .httpPort(0);
        builder.workflows.forEach(orchestratorBuilder::registerWorkflow);
        builder.orchestratorOptions.accept(orchestratorBuilder);
        orchestrator = track(orchestratorBuilder.build());
        // Creates the topics; the worker and the client need them.
        orchestrator.start();
        orchestrator.awaitRunning(TIMEOUT);
        if (!builder.activities.isEmpty()) {
            ActivityWorker.Builder workerBuilder = ActivityWorker.builder()
                    .bootstrapServers(infra.bootstrapServers())
                    .schemaRegistryUrl(infra.schemaRegistryUrl())
                    .topicPrefix(topics.prefix())
                    .workerId(topics.prefix() + "-worker")
                    .shutdownTimeout(Duration.ofSeconds(5));
            builder.activities.forEach(workerBuilder::registerActivity);
            builder.workerOptions.accept(workerBuilder);
            worker = track(workerBuilder.build());
            worker.start();
        }
        WorkflowClient.Builder clientBuilder = WorkflowClient.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix());
        builder.clientOptions.accept(clientBuilder);
        client = track(clientBuilder.build());
        registry = track(SchemaRegistryClient.forUrl(infra.schemaRegistryUrl()));
        producer = track(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer()));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    // ------------------------------------------------------------------ what a test uses

    /** @return the activity worker, if the app has activities (else null) */
    public ActivityWorker worker() {
        return worker;
    }

    /** @return the client, connected to this app's topics */
    public WorkflowClient client() {
        return client;
    }

    /** @return this app's topic names */
    public Topics topics() {
        return topics;
    }

    /** @return the orchestrator's Kafka Streams application id (also its consumer group) */
    public String applicationId() {
        return applicationId;
    }

    /** @return the orchestrator */
    public GregorOrchestrator orchestrator() {
        return orchestrator;
    }

    /** @return bootstrap servers of the shared broker */
    public String bootstrapServers() {
        return infra.bootstrapServers();
    }

    /** @return the Confluent-API URL of the shared registry */
    public String schemaRegistryUrl() {
        return infra.schemaRegistryUrl();
    }

    /**
     * @param what a readable stem, e.g. the test's subject
     * @return a fresh instance id: {@code <what>-<8 hex>}
     */
    public String newInstanceId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A fresh instance id whose records land on the same partition of the orchestrator inputs as
     * {@code otherKey}'s, so both are processed by the same stream task, in log order within a
     * topic. Uses Kafka's default partitioner (murmur2 of the UTF-8 key).
     *
     * @param what     a readable stem
     * @param otherKey the key to share a partition with
     * @return the id
     */
    public String newInstanceIdOnPartitionOf(String what, String otherKey) {
        int wanted = partitionOf(otherKey);
        while (true) {
            String id = newInstanceId(what);
            if (partitionOf(id) == wanted) {
                return id;
            }
        }
    }

    /**
     * @param key a record key
     * @return the partition of the orchestrator inputs the default partitioner gives it
     */
    public int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Produces raw bytes with a plain producer (acks=all) and waits for the acknowledgement.
     *
     * @param topic the topic
     * @param key   the key as text (UTF-8), or null
     * @param value the value bytes, or null
     * @return where it landed
     */
    public RecordMetadata produceRaw(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        try {
            return producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Expected the broker to accept a record on " + topic + ", but: " + e.getCause(), e);
        }
    }

    /**
     * Writes an activity result to the inbox, as a worker does.
     *
     * @param result the result; keyed by its instance id
     * @return where it landed
     */
    public RecordMetadata produceResult(ActivityResult result) {
        AvroSerde<ActivityResult> serde = new AvroSerde<>(registry, ActivityResult.class);
        return produceRaw(topics.inbox(), result.getInstanceId(), serde.serialize(topics.inbox(), result), InputKind.RESULT);
    }

    /**
     * Writes raw bytes to the inbox with a kind header, as the intake or a worker does.
     *
     * @param topic the topic
     * @param key   the key as text (UTF-8)
     * @param value the value bytes
     * @param kind  the {@link InputKind#HEADER} to set
     * @return where it landed
     */
    public RecordMetadata produceRaw(String topic, String key, byte[] value, InputKind kind) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(InputKind.HEADER, kind.headerValue());
        return send(record);
    }

    /**
     * Produces a Gregor Avro record (Confluent wire format, schema registered on first use).
     *
     * @param topic  the topic
     * @param key    the key (the instance id for orchestrator inputs)
     * @param record the record
     * @param <T>    its type
     * @return where it landed
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> RecordMetadata produce(String topic, String key, T record) {
        AvroSerde<T> serde = new AvroSerde<>(registry, (Class<T>) record.getClass());
        return produceRaw(topic, key, serde.serialize(topic, record));
    }

    /** @param instanceId the instance @return its history from the changelog, in sequence order */
    public List<HistoryEvent> history(String instanceId) {
        return KafkaReads.history(bootstrapServers(), schemaRegistryUrl(), applicationId, instanceId);
    }

    /** @param instanceId the instance @return its completion records */
    public List<WorkflowCompletion> completions(String instanceId) {
        return KafkaReads.completions(bootstrapServers(), schemaRegistryUrl(), topics, instanceId);
    }

    /** @return every committed dead letter of this app so far, raw */
    public List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return KafkaReads.readAll(bootstrapServers(), topics.deadLetters());
    }

    /**
     * Waits for a dead letter whose key is the given text.
     *
     * @param key the original record's key
     * @return the dead letter
     */
    public ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key) {
        return KafkaReads.awaitRecord(bootstrapServers(), topics.deadLetters(), r -> key.equals(KafkaReads.keyText(r)), TIMEOUT);
    }

    /**
     * Waits until the orchestrator has processed, and committed the effects of, a record it reads.
     *
     * @param written where the record landed
     */
    public void awaitProcessed(RecordMetadata written) {
        awaitProcessed(written.topic(), written.partition(), written.offset());
    }

    /**
     * Waits until the orchestrator has processed, and committed the effects of, a record it reads.
     *
     * @param topic     the record's topic
     * @param partition its partition
     * @param offset    its offset
     */
    public void awaitProcessed(String topic, int partition, long offset) {
        KafkaReads.awaitConsumed(bootstrapServers(), applicationId, new TopicPartition(topic, partition), offset, TIMEOUT);
        if (!topic.equals(topics.inbox())) {
            // A start, event or control request has only been copied to the inbox: wait for what the inbox held then.
            for (Map.Entry<TopicPartition, Long> end : KafkaReads.committedEndOffsets(bootstrapServers(), topics.inbox()).entrySet()) {
                if (end.getValue() > 0) {
                    KafkaReads.awaitConsumed(bootstrapServers(), applicationId, end.getKey(), end.getValue() - 1, TIMEOUT);
                }
            }
        }
    }

    /**
     * Closes client, worker and orchestrator (in that order) and deletes the state directory.
     *
     * @throws IllegalStateException if something failed to close (everything else is still closed)
     */
    @Override
    public void close() {
        IllegalStateException failure = null;
        for (AutoCloseable closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failure = failure == null ? new IllegalStateException("Expected " + closeable + " to close, but it failed", e) : failure;
            }
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            failure = failure == null ? new IllegalStateException("Expected to delete " + stateDir + ", but: " + e, e) : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Configures a {@link GregorTestApp}. */
    public static final class Builder {
        private final String name;
        private final Map<String, Supplier<? extends Workflow>> workflows = new LinkedHashMap<>();
        private final Map<String, Activity> activities = new LinkedHashMap<>();
        private int partitions = 4;
        private int taskPartitions = 8;
        private Consumer<GregorOrchestrator.Builder> orchestratorOptions = b -> { };
        private Consumer<ActivityWorker.Builder> workerOptions = b -> { };
        private Consumer<WorkflowClient.Builder> clientOptions = b -> { };

        private Builder(String name) {
            this.name = name;
        }

        /** @param options further settings of the orchestrator, applied last @return this */
        public Builder orchestratorOptions(Consumer<GregorOrchestrator.Builder> options) {
            this.orchestratorOptions = options;
            return this;
        }

        /** @param options further settings of the worker, applied last @return this */
        public Builder workerOptions(Consumer<ActivityWorker.Builder> options) {
            this.workerOptions = options;
            return this;
        }

        /** @param options further settings of the client, applied last @return this */
        public Builder clientOptions(Consumer<WorkflowClient.Builder> options) {
            this.clientOptions = options;
            return this;
        }

        /**
         * @param workflowName the name clients start it by
         * @param factory      a fresh workflow object per instance, e.g. {@code () -> ctx -> ...}
         * @return this
         */
        public Builder workflow(String workflowName, Supplier<? extends Workflow> factory) {
            workflows.put(workflowName, factory);
            return this;
        }

        /**
         * @param activityName the name workflows call it by
         * @param activity     its code
         * @return this
         */
        public Builder activity(String activityName, Activity activity) {
            activities.put(activityName, activity);
            return this;
        }

        /** @param count partitions of the orchestrator inputs (default 4) @return this */
        public Builder partitions(int count) {
            this.partitions = count;
            return this;
        }

        /** @param count partitions of the activity-tasks topic (default 8) @return this */
        public Builder taskPartitions(int count) {
            this.taskPartitions = count;
            return this;
        }

        /**
         * Starts orchestrator, worker and client; returns once the orchestrator is RUNNING.
         *
         * @return the running app; the caller closes it
         * @throws Exception if anything fails to start (what did start is closed)
         */
        public GregorTestApp start() throws Exception {
            GregorTestApp app = new GregorTestApp(this);
            try {
                app.start(this);
                return app;
            } catch (Exception | Error e) {
                try {
                    app.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
    }
}

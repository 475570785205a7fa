package io.gregor.client;

import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.Await;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the orchestrator's part: publishes WorkflowStatus records the way it does, inside Kafka
 * transactions, so the client's read_committed view also has to step over commit markers.
 */
final class StatusPublisher implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final String topic;
    private final String bootstrapServers;
    private final SchemaRegistryClient registry;
    private final KafkaProducer<String, WorkflowStatus> producer;
    private final Admin admin;

    StatusPublisher(KafkaFixture kafka) {
        this.topic = kafka.topics.status();
        this.bootstrapServers = kafka.bootstrapServers();
        this.registry = SchemaRegistryClient.forUrl(kafka.schemaRegistryUrl());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "status-publisher-" + UUID.randomUUID()),
                new StringSerializer(), new AvroSerde<>(registry, WorkflowStatus.class).serializer());
        producer.initTransactions();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /**
     * Publishes and commits one status; returns once read_committed readers can see it. That is
     * later than the commit's acknowledgement: the coordinator writes the commit marker, which
     * moves the partition's last stable offset, after it has answered the producer.
     */
    void publish(WorkflowStatus status) {
        send(status.getInstanceId(), status);
    }

    /** Publishes a tombstone, as purging an instance does on the compacted topic. */
    void purge(String instanceId) {
        send(instanceId, null);
    }

    /** Publishes bytes that are no WorkflowStatus at all, as a misbehaving producer might. */
    void publishGarbage(String instanceId) {
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, instanceId, "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Expected to publish garbage for " + instanceId + ", but found " + e, e);
        }
    }

    // Transactions of one producer cannot overlap, and tests publish from several threads.
    private synchronized void send(String instanceId, WorkflowStatus status) {
        producer.beginTransaction();
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(topic, instanceId, status)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            producer.abortTransaction();
            throw new AssertionError("Expected to publish " + status + " for " + instanceId + ", but found " + e, e);
        }
        producer.commitTransaction();
        awaitStable(new TopicPartition(written.topic(), written.partition()), written.offset());
    }

    private void awaitStable(TopicPartition partition, long offset) {
        Await.until(Duration.ofSeconds(30), () -> lastStableOffset(partition) > offset,
                () -> "the last stable offset of " + partition + " past " + offset);
    }

    private long lastStableOffset(TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get(30, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted reading the last stable offset of " + partition, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Expected the last stable offset of " + partition + ", but found " + e, e);
        }
    }

    /** A status of a "payment" instance created at {@link #T0} and updated {@code secondsLater}. */
    static WorkflowStatus.Builder status(String instanceId, RuntimeStatus status, long secondsLater, int historyLength) {
        return WorkflowStatus.newBuilder()
                .setInstanceId(instanceId)
                .setWorkflowName("payment")
                .setStatus(status)
                .setInput(json("{\"orderId\":\"o-1\",\"amount\":42}"))
                .setCreatedAt(T0)
                .setUpdatedAt(T0.plusSeconds(secondsLater))
                .setHistoryLength(historyLength);
    }

    static Payload json(String text) {
        return Payload.newBuilder().setEncoding("json")
                .setData(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))).build();
    }

    static FailureDetails failure(String type, String message) {
        return FailureDetails.newBuilder().setErrorType(type).setMessage(message)
                .setStackTrace("at Payment.charge(Payment.java:12)").setNonRetriable(true).build();
    }

    @Override
    public void close() {
        admin.close();
        producer.close();
        registry.close();
    }
}

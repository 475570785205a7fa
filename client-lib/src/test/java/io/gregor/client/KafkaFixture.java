package io.gregor.client;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.GregorInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Real broker and registry for one test class: its own topic prefix, so classes never see each
 * other's records, and helpers to read what the client wrote.
 */
final class KafkaFixture {

    final GregorInfrastructure infrastructure = GregorInfrastructure.shared();
    final Topics topics;

    private KafkaFixture(Topics topics) {
        this.topics = topics;
    }

    /** Creates the topics of a fresh prefix with 3 partitions each. */
    static KafkaFixture withFreshTopics(String name) {
        KafkaFixture fixture = new KafkaFixture(new Topics(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrapServers()))) {
            fixture.topics.ensureCreated(admin, 3, 3, (short) 1);
        }
        return fixture;
    }

    String bootstrapServers() {
        return infrastructure.bootstrapServers();
    }

    String schemaRegistryUrl() {
        return infrastructure.schemaRegistryUrl();
    }

    WorkflowClient.Builder clientBuilder() {
        return WorkflowClient.builder()
                .bootstrapServers(bootstrapServers())
                .schemaRegistryUrl(schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .requestTimeout(Duration.ofSeconds(30));
    }

    /**
     * Every committed record of the topic, read up to the end offsets taken at the call. Writes
     * acknowledged before the call are therefore all included.
     */
    <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(String topic, Class<T> type) {
        try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(schemaRegistryUrl())) {
            return readAll(topic, new AvroSerde<>(registry, type).deserializer());
        }
    }

    private <T> List<ConsumerRecord<String, T>> readAll(String topic, Deserializer<T> values) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, T>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * What the client wrote to the orchestrator's inbox, of one kind: starts, events and control
     * requests go there straight, each with its kind in a header.
     */
    <T extends SpecificRecord> List<ConsumerRecord<String, T>> readInputs(InputKind kind, Class<T> type) {
        List<ConsumerRecord<String, T>> inputs = new ArrayList<>();
        try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(schemaRegistryUrl())) {
            AvroSerde<T> serde = new AvroSerde<>(registry, type);
            for (ConsumerRecord<String, byte[]> r : readAll(topics.inbox(), new ByteArrayDeserializer())) {
                Header header = r.headers().lastHeader(InputKind.HEADER);
                if (header != null && Arrays.equals(header.value(), kind.headerValue())) {
                    inputs.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                            serde.deserialize(r.topic(), r.value())));
                }
            }
        }
        return inputs;
    }
}

package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves with real clients that the shared infrastructure is a working Kafka and schema registry. */
class GregorInfrastructureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SCHEMA_REGISTRY_JSON = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GregorInfrastructure infra;
    private static Admin admin;
    private static HttpClient http;

    @BeforeAll
    static void startInfrastructure() {
        infra = GregorInfrastructure.shared();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void closeClients() {
        admin.close();
        http.close();
    }

    @Test
    void sharedInfrastructureIsOnePerJvmOnLoopback() {
        assertThat(GregorInfrastructure.shared()).isSameAs(infra);
        assertThat(infra.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(infra.schemaRegistryUrl()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
    }

    @Test
    void aProducedRecordIsConsumedFromANewTopic() throws Exception {
        // given a new topic
        String topic = createTopic("plain");

        // when a record is produced
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        // then a consumer reads it back
        try (KafkaConsumer<String, String> consumer = consumer("read_uncommitted")) {
            assertThat(readToEnd(consumer, topic)).containsExactly("hello");
        }
    }

    @Test
    void aReadCommittedConsumerSeesCommittedButNotAbortedTransactions() throws Exception {
        // given a transactional producer that commits, aborts, then commits again
        String topic = createTopic("tx");
        try (KafkaProducer<String, String> producer = producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted-1"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
            producer.commitTransaction();
        }

        // when read_committed and read_uncommitted consumers read the whole partition
        List<String> committed;
        List<String> uncommitted;
        try (KafkaConsumer<String, String> consumer = consumer("read_committed")) {
            committed = readToEnd(consumer, topic);
        }
        try (KafkaConsumer<String, String> consumer = consumer("read_uncommitted")) {
            uncommitted = readToEnd(consumer, topic);
        }

        // then only the committed records are visible to read_committed, though the aborted one was written
        assertThat(committed).containsExactly("committed-1", "committed-2", "committed-3");
        assertThat(uncommitted).containsExactly("committed-1", "committed-2", "aborted-1", "committed-3");
    }

    @Test
    void aShareConsumerReceivesRecordsFromTheBeginningAndGetsReleasedOnesAgain() throws Exception {
        // given records produced before any share consumer exists
        String topic = createTopic("share");
        String group = "testkit-share-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "task-" + i));
            }
            producer.flush();
        }
        // and a share group told to start at the earliest offset. A share group starts at "latest" by
        // default, so records produced before its first member joins would never be delivered.
        // share.auto.offset.reset is a dynamic GROUP config, not a consumer property (KafkaShareConsumer
        // ignores it as an unknown property, and rejects auto.offset.reset): set it with
        // incrementalAlterConfigs on ConfigResource.Type.GROUP named after the group id. The group need
        // not exist yet. Set it before the group's first fetch of a partition fixes that partition's
        // start offset; later changes do not move it. The setting reaches the group coordinator
        // asynchronously, so wait until describeConfigs shows it (ShareGroups.startFromEarliest does
        // all of this).
        ConfigResource groupResource = new ConfigResource(ConfigResource.Type.GROUP, group);
        admin.incrementalAlterConfigs(Map.of(groupResource,
                List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                        AlterConfigOp.OpType.SET)))).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitGroupConfig(groupResource, "share.auto.offset.reset", "earliest");

        // when a share consumer in explicit acknowledgement mode accepts two records and releases one
        List<String> accepted = new ArrayList<>();
        List<String> redelivered = new ArrayList<>();
        // (explicit mode: every delivered record must be acknowledged before the next poll)
        try (KafkaShareConsumer<String, String> consumer = shareConsumer(group)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while ((accepted.size() < 2 || redelivered.isEmpty()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    short deliveryCount = record.deliveryCount().orElseThrow();
                    if (record.value().equals("task-1") && deliveryCount == 1) {
                        // RELEASE hands the record back for another delivery, as when a worker gives up on it.
                        consumer.acknowledge(record, AcknowledgeType.RELEASE);
                    } else {
                        consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                        (deliveryCount == 1 ? accepted : redelivered).add(record.value() + "#" + deliveryCount);
                    }
                }
                consumer.commitSync(TIMEOUT);
            }
        }

        // then all records arrived from the beginning, and the released one came back with delivery count 2
        assertThat(accepted).containsExactlyInAnyOrder("task-0#1", "task-2#1");
        assertThat(redelivered).containsExactly("task-1#2");
    }

    @Test
    void aRecordHeldByAConsumerThatStopsAcknowledgingIsRedeliveredToAnotherWhenItsLockExpires() throws Exception {
        // given a share group whose records stay locked for 1 s (the embedded broker allows >= 1 s)
        String topic = createTopic("share-lock");
        String group = "testkit-share-lock-" + UUID.randomUUID();
        ShareGroups.configure(admin, group, Map.of(
                ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.RECORD_LOCK_DURATION_MS, "1000"), TIMEOUT);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "task")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        try (KafkaShareConsumer<String, String> stuck = shareConsumer(group);
             KafkaShareConsumer<String, String> rescuer = shareConsumer(group)) {
            // when one consumer receives the record and then hangs (never acknowledges, never polls again)
            stuck.subscribe(List.of(topic));
            ConsumerRecord<String, String> first = pollOne(stuck);
            assertThat(first.deliveryCount()).contains((short) 1);

            // then another member of the group gets it again once the lock expires
            rescuer.subscribe(List.of(topic));
            ConsumerRecord<String, String> again = pollOne(rescuer);
            rescuer.acknowledge(again, AcknowledgeType.ACCEPT);
            rescuer.commitSync(TIMEOUT);
            assertThat(again.value()).isEqualTo("task");
            assertThat(again.deliveryCount()).contains((short) 2);
        }
    }

    @Test
    void theRegistryStoresSchemasAndRejectsIncompatibleChanges() throws Exception {
        // given a subject with one Avro schema registered through the Confluent API
        String subject = "testkit-" + UUID.randomUUID() + "-value";
        String v1 = """
                {"type":"record","name":"Greeting","namespace":"io.gregor.test","fields":[{"name":"text","type":"string"}]}""";
        HttpResponse<String> registered = post("/subjects/" + subject + "/versions", v1);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).get("id").asInt();

        // when it is fetched by id
        HttpResponse<String> fetched = get("/schemas/ids/" + id);

        // then the same schema comes back
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        assertThat(JSON.readTree(JSON.readTree(fetched.body()).get("schema").asText())).isEqualTo(JSON.readTree(v1));

        // and registering the same schema again answers the same id
        assertThat(JSON.readTree(post("/subjects/" + subject + "/versions", v1).body()).get("id").asInt())
                .isEqualTo(id);

        // and a backward-compatible change (a new field with a default) is accepted as a new version
        String v2 = """
                {"type":"record","name":"Greeting","namespace":"io.gregor.test","fields":[{"name":"text","type":"string"},\
                {"name":"lang","type":"string","default":"en"}]}""";
        HttpResponse<String> evolved = post("/subjects/" + subject + "/versions", v2);
        assertThat(evolved.statusCode()).as(evolved.body()).isEqualTo(200);
        assertThat(JSON.readTree(evolved.body()).get("id").asInt()).isNotEqualTo(id);

        // and an incompatible change (the field's type changes) is refused with 409
        String incompatible = """
                {"type":"record","name":"Greeting","namespace":"io.gregor.test","fields":[{"name":"text","type":"int"}]}""";
        HttpResponse<String> refused = post("/subjects/" + subject + "/versions", incompatible);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).get("error_code").asInt()).isEqualTo(409);

        // and an unknown id answers Confluent's 40403
        HttpResponse<String> unknown = get("/schemas/ids/" + Integer.MAX_VALUE);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void startEmbeddedGivesAPrivatePairThatCloseRemovesCompletely() {
        // given a private infrastructure next to the shared one
        GregorInfrastructure own = GregorInfrastructure.startEmbedded();
        Path kafkaDirectory = own.embeddedKafka().orElseThrow().directory();
        long registryPid = own.embeddedSchemaRegistry().orElseThrow().pid();
        Path registryLog = own.embeddedSchemaRegistry().orElseThrow().logFile();
        assertThat(own.bootstrapServers()).isNotEqualTo(infra.bootstrapServers());
        assertThat(own.schemaRegistryUrl()).isNotEqualTo(infra.schemaRegistryUrl());
        assertThat(Files.isDirectory(kafkaDirectory)).isTrue();
        assertThat(ProcessHandle.of(registryPid).map(ProcessHandle::isAlive)).contains(true);

        // when it is closed
        own.close();

        // then the registry process is gone and the temporary files are deleted
        assertThat(ProcessHandle.of(registryPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(kafkaDirectory)).isFalse();
        assertThat(Files.exists(registryLog)).isFalse();
    }

    @Test
    void startPersistentKeepsTopicsSchemaIdsAndPortsAcrossARestart() throws Exception {
        // given a persistent pair with a topic and a registered schema, closed again
        Path directory = Files.createTempDirectory("gregor-persistent-");
        String topic = "persistent-" + UUID.randomUUID();
        String subject = "persistent-" + UUID.randomUUID() + "-value";
        String schema = """
                {"type":"record","name":"Kept","namespace":"io.gregor.test","fields":[{"name":"text","type":"string"}]}""";
        String bootstrap;
        String registryUrl;
        int id;
        try {
            try (GregorInfrastructure first = GregorInfrastructure.startPersistent(directory);
                 Admin firstAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
                firstAdmin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                HttpResponse<String> registered = post(first.schemaRegistryUrl(), "/subjects/" + subject + "/versions", schema);
                assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
                id = JSON.readTree(registered.body()).get("id").asInt();
                bootstrap = first.bootstrapServers();
                registryUrl = first.schemaRegistryUrl();
            }

            // when it starts again on the same directory
            try (GregorInfrastructure second = GregorInfrastructure.startPersistent(directory);
                 Admin secondAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {

                // then the addresses, the topic and the schema id are the same
                assertThat(second.bootstrapServers()).isEqualTo(bootstrap);
                assertThat(second.schemaRegistryUrl()).isEqualTo(registryUrl);
                assertThat(secondAdmin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
                HttpResponse<String> fetched = get(second.schemaRegistryUrl(), "/schemas/ids/" + id);
                assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
                assertThat(JSON.readTree(JSON.readTree(fetched.body()).get("schema").asText())).isEqualTo(JSON.readTree(schema));
            }
        } finally {
            Support.deleteRecursively(directory);
        }
    }

    private static KafkaShareConsumer<String, String> shareConsumer(String group) {
        return new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                "share.acknowledgement.mode", "explicit"),
                new StringDeserializer(), new StringDeserializer());
    }

    private static ConsumerRecord<String, String> pollOne(KafkaShareConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                assertThat(records.count()).isEqualTo(1);
                return records.iterator().next();
            }
        }
        throw new AssertionError("Expected a record within " + TIMEOUT + ", but none arrived");
    }

    /** Group configs reach the coordinator through the metadata log, i.e. shortly after the alter call returns. */
    private static void awaitGroupConfig(ConfigResource group, String name, String expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String actual;
        do {
            actual = admin.describeConfigs(List.of(group)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .get(group).get(name).value();
        } while (!expected.equals(actual) && System.nanoTime() < deadline);
        assertThat(actual).as("%s of %s", name, group.name()).isEqualTo(expected);
    }

    private static String createTopic(String prefix) throws Exception {
        String topic = "testkit-" + prefix + "-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return topic;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String isolationLevel) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel),
                new StringDeserializer(), new StringDeserializer());
    }

    /** Reads partition 0 from the beginning up to its end offset (the last stable offset for read_committed). */
    private static List<String> readToEnd(KafkaConsumer<String, String> consumer, String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(partition, TIMEOUT) < end && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        assertThat(consumer.position(partition, TIMEOUT)).as("position after reading %s", topic).isEqualTo(end);
        return values;
    }

    private static HttpResponse<String> post(String path, String avroSchema) throws Exception {
        return post(infra.schemaRegistryUrl(), path, avroSchema);
    }

    private static HttpResponse<String> post(String registryUrl, String path, String avroSchema) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", avroSchema));
        return http.send(HttpRequest.newBuilder(URI.create(registryUrl + path))
                        .header("Content-Type", SCHEMA_REGISTRY_JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(infra.schemaRegistryUrl(), path);
    }

    private static HttpResponse<String> get(String registryUrl, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(registryUrl + path))
                        .header("Accept", SCHEMA_REGISTRY_JSON).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.testkit.GregorInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * On a real broker: the fencer aborts the open transaction of a process that has no member in
 * the group, named as Kafka Streams names them, and leaves a live process's transaction alone.
 */
class ZombieFencerIntegrationTest {
    private final GregorInfrastructure infra = GregorInfrastructure.shared();
    private final String app = "fencer-" + UUID.randomUUID().toString().substring(0, 8);
    private final String topic = app + "-changelog";

    private KafkaProducer<String, String> transactional(String transactionalId) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "k", transactionalId));
        producer.flush();
        return producer;
    }

    @Test
    void theOpenTransactionOfAProcessThatLeftTheGroupIsAbortedAndALiveOnesIsNot() throws Exception {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        String liveProcess = UUID.randomUUID().toString();
        String deadProcess = UUID.randomUUID().toString();
        try (ZombieFencer fencer = new ZombieFencer(admin, app);
             KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, app, ConsumerConfig.CLIENT_ID_CONFIG, app + "-" + liveProcess + "-StreamThread-1-consumer"),
                     new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> live = transactional(app + "-" + liveProcess + "-1");
             KafkaProducer<String, String> dead = transactional(app + "-" + deadProcess + "-1")) {
            member.subscribe(List.of(topic));
            while (member.assignment().isEmpty()) {
                member.poll(Duration.ofMillis(100));
            }

            Set<String> fenced = fencer.fenceOnce();

            assertThat(fenced).containsExactly(app + "-" + deadProcess + "-1");
            assertThatThrownBy(dead::commitTransaction).isInstanceOf(KafkaException.class);
            live.commitTransaction();
            assertThat(fencer.fenceOnce()).as("nothing open is left of the dead one").isEmpty();
        }
    }

    @Test
    void aGroupMemberNamedOtherwiseMeansNothingIsFenced() throws Exception {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (ZombieFencer fencer = new ZombieFencer(admin, app);
             KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, app, ConsumerConfig.CLIENT_ID_CONFIG, "orders-orchestrator-1"),
                     new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> other = transactional(app + "-" + UUID.randomUUID() + "-1")) {
            member.subscribe(List.of(topic));
            while (member.assignment().isEmpty()) {
                member.poll(Duration.ofMillis(100));
            }

            assertThat(fencer.fenceOnce()).isEmpty();
            other.commitTransaction();
        }
    }
}

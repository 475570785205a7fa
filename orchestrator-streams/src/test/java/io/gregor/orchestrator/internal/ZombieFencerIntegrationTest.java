package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.testkit.Await;
import io.gregor.testkit.GregorInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Admin admin = adminWithTopic(1);
        String liveProcess = UUID.randomUUID().toString();
        String deadProcess = UUID.randomUUID().toString();
        try (ZombieFencer fencer = new ZombieFencer(admin, app, false);
             KafkaConsumer<String, String> member = member(consumerOf(liveProcess));
             KafkaProducer<String, String> live = transactional(app + "-" + liveProcess + "-1");
             KafkaProducer<String, String> dead = transactional(app + "-" + deadProcess + "-1")) {
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
    void aProcessThatLeavesTheGroupIsFencedAtOnceWithoutThisProcessRebalancing() throws Exception {
        Admin admin = adminWithTopic(2);
        String liveProcess = UUID.randomUUID().toString();
        String leavingProcess = UUID.randomUUID().toString();
        String leavingTransaction = app + "-" + leavingProcess + "-1";
        try (ZombieFencer fencer = new ZombieFencer(admin, app, false);
             KafkaConsumer<String, String> live = member(consumerOf(liveProcess));
             KafkaProducer<String, String> zombie = transactional(leavingTransaction)) {
            KafkaConsumer<String, String> leaving = member(consumerOf(leavingProcess));
            Await.until(Duration.ofSeconds(30), () -> {
                live.poll(Duration.ofMillis(50));
                leaving.poll(Duration.ofMillis(50));
                return !live.assignment().isEmpty() && !leaving.assignment().isEmpty();
            }, () -> "both members assigned a partition");
            fencer.start();
            Await.until(Duration.ofSeconds(30), () -> fencer.lastSeen().contains(leavingProcess), () -> "the fencer saw both processes");

            // when the process leaves the group with its transaction open, and nothing tells the fencer of a rebalance
            leaving.close();

            // then its transaction is fenced
            Await.until(Duration.ofSeconds(30), () -> ongoing(admin).stream().noneMatch(t -> t.transactionalId().equals(leavingTransaction)),
                    () -> "the leaving process's transaction aborted, open ones: " + ongoing(admin));
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }

    /** @return an admin client (closed by the fencer that gets it), with the test's topic created */
    private Admin adminWithTopic(int partitions) throws Exception {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        return admin;
    }

    /** @return the client id Kafka Streams gives the first stream thread's consumer of {@code process} */
    private String consumerOf(String process) {
        return app + "-" + process + "-StreamThread-1-consumer";
    }

    /** A member of the group, subscribed, named {@code clientId}. */
    private KafkaConsumer<String, String> member(String clientId) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, app, ConsumerConfig.CLIENT_ID_CONFIG, clientId),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static Collection<TransactionListing> ongoing(Admin admin) {
        try {
            return admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aGroupMemberNamedOtherwiseMeansNothingIsFenced() throws Exception {
        Admin admin = adminWithTopic(1);
        try (ZombieFencer fencer = new ZombieFencer(admin, app, false);
             KafkaConsumer<String, String> member = member("orders-orchestrator-1");
             KafkaProducer<String, String> other = transactional(app + "-" + UUID.randomUUID() + "-1")) {
            while (member.assignment().isEmpty()) {
                member.poll(Duration.ofMillis(100));
            }

            assertThat(fencer.fenceOnce()).isEmpty();
            other.commitTransaction();
        }
    }

    @Test
    void underKafkaStreamsOwnGroupProtocolTheMembersProcessIdsComeFromTheGroup(@TempDir Path state) throws Exception {
        Admin admin = adminWithTopic(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic).foreach((k, v) -> { });
        Map<String, Object> config = Map.of(StreamsConfig.APPLICATION_ID_CONFIG, app, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams", StreamsConfig.STATE_DIR_CONFIG, state.toString(),
                StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class, StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                Serdes.StringSerde.class);
        String dead = app + "-" + UUID.randomUUID() + "-1";
        try (ZombieFencer fencer = new ZombieFencer(admin, app, true);
             KafkaStreams streams = new KafkaStreams(builder.build(), new StreamsConfig(config));
             KafkaProducer<String, String> zombie = transactional(dead)) {
            CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            assertThat(running.await(60, TimeUnit.SECONDS)).as("the Streams member joined").isTrue();

            assertThat(fencer.fenceOnce()).containsExactly(dead);
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }
}

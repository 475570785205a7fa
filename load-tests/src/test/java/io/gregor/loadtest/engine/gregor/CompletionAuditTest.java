package io.gregor.loadtest.engine.gregor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.engine.Recoverable.CompletionRecords;
import io.gregor.schemas.Topics;
import io.gregor.testkit.GregorInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit behind recover's "duplicated" figure, against the embedded broker the smoke test
 * starts anyway: every committed record counts, aborted ones and other runs' do not.
 */
class CompletionAuditTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void countsEveryCommittedRecordOfTheRunIncludingDuplicatesAndNoAbortedOnes() throws Exception {
        // given a completions topic with a duplicated instance, another run's record and an aborted record
        String bootstrap = GregorInfrastructure.shared().bootstrapServers();
        Topics topics = new Topics("audit-test-" + Long.toHexString(System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.completions(), 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.prefix(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String key : List.of("run-1-1", "run-1-2", "run-1-1", "other-run-1")) {
                producer.send(new ProducerRecord<>(topics.completions(), key, new byte[] {1}));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topics.completions(), "run-1-3", new byte[] {1})).get();
            producer.abortTransaction();
        }

        // when
        CompletionRecords counted = CompletionAudit.count(bootstrap, topics, "run-1-");

        // then
        assertThat(counted).isEqualTo(new CompletionRecords(3, 2));
        assertThat(counted.duplicates()).isEqualTo(1);
    }
}

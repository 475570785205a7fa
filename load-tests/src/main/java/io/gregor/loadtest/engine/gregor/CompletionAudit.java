package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.engine.Recoverable.CompletionRecords;
import io.gregor.schemas.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts a run's records on {@code <prefix>.workflow-completions} from the beginning, read_committed,
 * every record and not a set of instances: this is where a duplicated completion would show, which
 * {@link CompletionsReader} (made to time the first one) does not report.
 */
final class CompletionAudit {
    private static final Duration READ_LIMIT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(200);

    private CompletionAudit() {
    }

    /**
     * Reads every partition up to its last stable offset as of the call.
     *
     * @param bootstrap Kafka
     * @param topics    the run's topics
     * @param idPrefix  what the run's instance ids start with
     * @return the run's records and distinct instances
     * @throws IllegalStateException if the end is not reached within two minutes
     */
    static CompletionRecords count(String bootstrap, Topics topics, String idPrefix) {
        try (KafkaConsumer<String, byte[]> consumer = CompletionsReader.committedConsumer(bootstrap, "loadtest-completions-audit")) {
            List<TopicPartition> partitions = CompletionsReader.assignAll(consumer, topics);
            consumer.seekToBeginning(partitions);
            // Under read_committed these are the last stable offsets: everything committed so far.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long records = 0;
            Set<String> instances = new HashSet<>();
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Expected to read " + topics.completions() + " up to " + end + " within "
                            + READ_LIMIT + ", but it did not get there");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.key() != null && record.key().startsWith(idPrefix)) {
                        records++;
                        instances.add(record.key());
                    }
                }
            }
            return new CompletionRecords(records, instances.size());
        }
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}

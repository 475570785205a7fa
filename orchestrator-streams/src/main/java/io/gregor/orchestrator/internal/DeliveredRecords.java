package io.gregor.orchestrator.internal;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts the records each poll of a stream thread's main consumer delivers, for that thread's
 * {@link CommitPacer}: it learns from it when the thread has processed all it was given. Kafka
 * creates it (one per consumer, so one per stream thread) and calls it on the polling thread.
 */
public final class DeliveredRecords implements ConsumerInterceptor<byte[], byte[]> {

    /** Kafka instantiates it by name. */
    public DeliveredRecords() {
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        CommitPacer.delivered(records.count());
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // commits need no counting
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}

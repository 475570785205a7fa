package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Writes Avro records (Confluent wire format) with one idempotent producer and waits for each
 * write to be acknowledged, so that a caller who got no exception knows the record is durable.
 *
 * <p>Thread-safe: the producer is, and serdes are created once per record class.
 */
public final class RecordWriter implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final SchemaRegistryClient registry;
    private final Duration timeout;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    /**
     * @param producer a producer with String keys and byte[] values; closed with this writer
     * @param registry where the value schemas are registered; not closed by this writer
     * @param timeout  how long to wait for the broker's acknowledgement
     */
    public RecordWriter(Producer<String, byte[]> producer, SchemaRegistryClient registry, Duration timeout) {
        this.producer = producer;
        this.registry = registry;
        this.timeout = timeout;
    }

    /**
     * Serializes the record, sends it and waits until the broker acknowledged it.
     *
     * @param topic  the topic
     * @param key    the record key (an instance id)
     * @param record the value
     * @param what   what is written, for messages, e.g. "the start of instance 42"
     * @return where the record was written
     * @throws WorkflowClientException if the record cannot be serialized, sent or acknowledged in time
     */
    public RecordMetadata write(String topic, String key, SpecificRecord record, String what) {
        byte[] value;
        try {
            value = serde(record).serialize(topic, record);
        } catch (RuntimeException e) {
            throw new WorkflowClientException("Expected to serialize " + what + " for topic " + topic
                    + ", but found " + e, e);
        }
        try {
            return producer.send(new ProducerRecord<>(topic, key, value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new WorkflowClientException("Expected the broker to acknowledge " + what + " on topic "
                    + topic + ", but the write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new WorkflowClientException("Expected the broker to acknowledge " + what + " on topic "
                    + topic + " within " + timeout + ", but it did not (the record may still be written)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkflowClientException("Expected to write " + what + " on topic " + topic
                    + ", but the thread was interrupted (the record may still be written)", e);
        } catch (KafkaException e) {
            throw new WorkflowClientException("Expected to send " + what + " on topic " + topic
                    + ", but found " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> AvroSerde<T> serde(T record) {
        return (AvroSerde<T>) serdes.computeIfAbsent(record.getClass(),
                type -> new AvroSerde<>(registry, (Class<T>) type));
    }

    /** Flushes what is in flight and closes the producer, waiting at most the request timeout. */
    @Override
    public void close() {
        producer.close(timeout);
    }
}

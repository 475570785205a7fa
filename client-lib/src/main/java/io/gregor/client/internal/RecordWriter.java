package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes Avro records (Confluent wire format) with one idempotent producer. The synchronous
 * methods wait for each write to be acknowledged, so that a caller who got no exception knows the
 * record is durable; the {@code ...Async} ones return a future of the acknowledgement instead, so
 * that one thread can have many records in flight and the producer batches them.
 *
 * <p>Thread-safe: the producer is, and serdes are created once per record class.
 */
public final class RecordWriter implements AutoCloseable {
    private static final TextMapSetter<Headers> TRACE_HEADERS = (headers, name, value) -> {
        if (headers != null) {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    private final Producer<String, byte[]> producer;
    private final SchemaRegistryClient registry;
    private final Duration timeout;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();
    private final boolean propagateTrace;

    /**
     * @param producer a producer with String keys and byte[] values; closed with this writer
     * @param registry where the value schemas are registered; not closed by this writer
     * @param timeout  how long to wait for the broker's acknowledgement
     */
    public RecordWriter(Producer<String, byte[]> producer, SchemaRegistryClient registry, Duration timeout) {
        this(producer, registry, timeout, false);
    }

    /**
     * @param producer       a producer with String keys and byte[] values; closed with this writer
     * @param registry       where the value schemas are registered; not closed by this writer
     * @param timeout        how long to wait for the broker's acknowledgement
     * @param propagateTrace whether each record carries the caller's current trace context (W3C
     *                       {@code traceparent} header), so that a started workflow continues the caller's trace
     */
    public RecordWriter(Producer<String, byte[]> producer, SchemaRegistryClient registry, Duration timeout, boolean propagateTrace) {
        this.producer = producer;
        this.registry = registry;
        this.timeout = timeout;
        this.propagateTrace = propagateTrace;
    }

    /**
     * Writes a start, event or control request straight to the orchestrator's inbox, where the
     * orchestrator's intake would otherwise copy it from its public topic. The copy is a record
     * in the orchestrator's transaction: it becomes visible only when that commits, and while it
     * is uncommitted it holds back every later record of its inbox partition, activity results
     * included. Written here, by an idempotent producer outside any transaction, it costs neither.
     * The value is registered under the public topic's subject, so its schema is the contract's.
     *
     * @param topics      the topic names
     * @param publicTopic the starts, events or control topic the record belongs to
     * @param key         the instance id
     * @param record      the value
     * @param what        what is written, for messages
     * @return where the record was written
     * @throws WorkflowClientException if the record cannot be serialized, sent or acknowledged in time
     */
    public RecordMetadata writeToInbox(Topics topics, String publicTopic, String key, SpecificRecord record, String what) {
        return Futures.await(writeToInboxAsync(topics, publicTopic, key, record, what), what + " on topic " + topics.inbox());
    }

    /**
     * Writes to the inbox as {@link #writeToInbox} does, without waiting for the acknowledgement.
     * The record is serialized and handed to the producer before this returns, so records written
     * one after another from one thread keep their order within an instance.
     *
     * @param topics      the topic names
     * @param publicTopic the starts, events or control topic the record belongs to
     * @param key         the instance id
     * @param record      the value
     * @param what        what is written, for messages
     * @return completed with where the record was written once the broker acknowledged it, or
     *         exceptionally with a {@link WorkflowClientException} naming {@code what} and the topic if it
     *         could not be serialized, sent or acknowledged within the timeout; it completes on the
     *         producer's network thread
     * @throws IllegalArgumentException if {@code publicTopic} is not a starts, events or control topic
     */
    public CompletableFuture<RecordMetadata> writeToInboxAsync(Topics topics, String publicTopic, String key,
                                                               SpecificRecord record, String what) {
        InputKind kind = topics.inputKindOf(publicTopic).orElseThrow(() -> new IllegalArgumentException(
                "Expected a starts, events or control topic, but found " + publicTopic));
        Headers headers = new RecordHeaders().add(InputKind.HEADER, kind.headerValue());
        return send(topics.inbox(), publicTopic, key, record, headers, what);
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
        return Futures.await(send(topic, topic, key, record, new RecordHeaders(), what), what + " on topic " + topic);
    }

    private CompletableFuture<RecordMetadata> send(String topic, String subjectTopic, String key, SpecificRecord record,
                                                   Headers headers, String what) {
        byte[] value;
        try {
            value = serde(record).serialize(subjectTopic, record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new WorkflowClientException("Expected to serialize " + what
                    + " for topic " + subjectTopic + ", but found " + e, e));
        }
        if (propagateTrace) {
            W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, TRACE_HEADERS);
        }
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, e) -> {
                if (e == null) {
                    acknowledged.complete(metadata);
                } else {
                    acknowledged.completeExceptionally(new WorkflowClientException("Expected the broker to acknowledge "
                            + what + " on topic " + topic + ", but the write failed: " + e, e));
                }
            });
        } catch (KafkaException e) {
            // Thrown by send() itself, not reported to the callback: the record was not queued (e.g. the thread was
            // interrupted while waiting for metadata).
            return CompletableFuture.failedFuture(new WorkflowClientException("Expected to send " + what + " on topic "
                    + topic + ", but found " + e, e));
        }
        // delivery.timeout.ms cannot be shorter than request.timeout.ms plus linger.ms, so the caller's timeout is
        // enforced here (orTimeout cancels its timer on completion); the producer keeps retrying for its own.
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        acknowledged.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((metadata, e) -> {
            if (e == null) {
                written.complete(metadata);
            } else if (Futures.unwrap(e) instanceof TimeoutException) {
                written.completeExceptionally(new WorkflowClientException("Expected the broker to acknowledge " + what
                        + " on topic " + topic + " within " + timeout + ", but it did not (the record may still be written)", e));
            } else {
                written.completeExceptionally(Futures.unwrap(e));
            }
        });
        return written;
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

package io.gregor.loadtest;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes completions by reading {@code <prefix>.workflow-completions} (read_committed, every
 * partition assigned, from its end) on one thread, and matches each record's key to the start
 * time of an instance the driver registered.
 *
 * <p>Why not {@code WorkflowClient.waitForInstanceCompletion}: that reads the status topic, which
 * carries a record per status change of every instance, and keeps every instance's status in
 * memory; with a waiter per instance, an open-loop run at thousands of starts per second or a
 * million timers would measure the client's bookkeeping. The completions topic carries exactly
 * one record per finished instance, decoded here only when its key is one of ours. The latency is
 * what a downstream consumer sees: from just before the start is written (closed loop) or the
 * intended start time (open loop, so a stalled engine cannot hide queueing: no coordinated
 * omission) to the moment the committed completion record is polled.
 */
public final class CompletionTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionTracker.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private record Pending(long startNanos, CompletableFuture<Boolean> done) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<WorkflowCompletion> serde;
    private final SchemaRegistryClient registry;
    private final String topic;
    private final LatencyRecorder recorder;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Object drained = new Object();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile long lastCompletionNanos;

    private CompletionTracker(KafkaConsumer<String, byte[]> consumer, SchemaRegistryClient registry, String topic,
                              LatencyRecorder recorder) {
        this.consumer = consumer;
        this.registry = registry;
        this.serde = new AvroSerde<>(registry, WorkflowCompletion.class);
        this.topic = topic;
        this.recorder = recorder;
        this.thread = new Thread(this::run, "loadtest-completions");
        this.thread.setDaemon(true);
    }

    /**
     * Positions a consumer at the end of the completions topic, then starts reading. Returns only
     * when the positions are fixed, so no completion of an instance started later can be missed.
     *
     * @param bootstrap   Kafka
     * @param registryUrl schema registry
     * @param topics      topic names
     * @param recorder    receives each latency
     * @return the running tracker
     */
    public static CompletionTracker start(String bootstrap, String registryUrl, Topics topics, LatencyRecorder recorder) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "loadtest-completions",
                // Bounds how long a fetch may sit at the broker; a completion should never wait on it.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(registryUrl);
        try {
            String topic = topics.completions();
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Expected topic " + topic + " to exist, but found no partitions for it "
                        + "(is the orchestrator running with prefix '" + topics.prefix() + "'?)");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // seekToEnd is lazy: resolve it before any instance starts
            CompletionTracker tracker = new CompletionTracker(consumer, registry, topic, recorder);
            tracker.thread.start();
            return tracker;
        } catch (RuntimeException e) {
            consumer.close();
            registry.close();
            throw e;
        }
    }

    /**
     * Registers an instance before it is started.
     *
     * @param instanceId the instance
     * @param startNanos {@link System#nanoTime()} its latency counts from
     * @param notify     true to get a future (closed loop); false to save the memory (open loop, fixed counts)
     * @return completed with true (COMPLETED) or false (any other ending), or null if not {@code notify}
     */
    public CompletableFuture<Boolean> expect(String instanceId, long startNanos, boolean notify) {
        CompletableFuture<Boolean> done = notify ? new CompletableFuture<>() : null;
        pending.put(instanceId, new Pending(startNanos, done));
        return done;
    }

    /** @param instanceId an instance whose start failed: stop waiting for it */
    public void forget(String instanceId) {
        pending.remove(instanceId);
        signalIfDrained();
    }

    /** @return instances registered and not yet seen completing */
    public int inFlight() {
        return pending.size();
    }

    /** @return {@link System#nanoTime()} of the last completion seen, or 0 if none */
    public long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    /**
     * Waits until every registered instance has completed (woken by the reading thread).
     *
     * @param timeout how long to wait
     * @return true if none is left in flight
     * @throws InterruptedException if interrupted
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!pending.isEmpty() && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.wait(Math.max(1, left / 1_000_000));
            }
        }
        return pending.isEmpty();
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    complete(record, System.nanoTime());
                }
                signalIfDrained();
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (Throwable e) {
            LOG.error("Reading {} failed; completions are no longer observed", topic, e);
            failure = e;
        } finally {
            if (failure != null) {
                // Closed-loop callers would otherwise sit out their whole timeout for records that will never be read.
                pending.values().stream().filter(p -> p.done() != null).forEach(p -> p.done().completeExceptionally(failure));
            }
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    private void complete(ConsumerRecord<String, byte[]> record, long now) {
        Pending started = record.key() == null || record.value() == null ? null : pending.remove(record.key());
        if (started == null) {
            return; // not one of this run's instances
        }
        lastCompletionNanos = now;
        boolean succeeded;
        try {
            WorkflowCompletion completion = serde.deserialize(topic, record.value());
            succeeded = completion.getStatus() == RuntimeStatus.COMPLETED;
            if (!succeeded) {
                LOG.warn("Instance {} ended {}: {}", record.key(), completion.getStatus(), completion.getFailure());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the completion of instance {}: {}", record.key(), e.toString());
            succeeded = false;
        }
        if (succeeded) {
            recorder.completed(now - started.startNanos());
        } else {
            recorder.failed();
        }
        if (started.done() != null) {
            started.done().complete(succeeded);
        }
    }

    private void signalIfDrained() {
        if (pending.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        registry.close();
    }
}

package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.avro.WorkflowStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the compacted status topic into a {@link StatusTable} on one background thread that
 * owns the consumer (KafkaConsumer is not thread-safe; other threads only call
 * {@link Consumer#wakeup()}).
 *
 * <p>Read-your-writes: {@link #catchUp} asks the thread to take the topic's end offsets (with
 * read_committed these are the last stable offsets, so records of open orchestrator
 * transactions are not waited for) and completes when the consumer's positions reach them.
 *
 * <p>The partitions are fixed when the view starts; partitions added to the topic later are not
 * read.
 */
public final class StatusView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusView.class);
    /** Short while a caller waits for the positions, so a position moved by a poll that returned nothing is seen soon. */
    private static final Duration CATCHING_UP_POLL = Duration.ofMillis(10);
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);

    /** The end offsets some callers wait for the consumer to reach. */
    private record Barrier(Map<TopicPartition, Long> endOffsets, List<CompletableFuture<Void>> callers) {
    }

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<WorkflowStatus> deserializer;
    private final String topic;
    private final List<TopicPartition> partitions;
    private final Duration timeout;
    private final StatusTable table = new StatusTable();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile RuntimeException failure;

    // Owned by the consumer thread.
    private final List<CompletableFuture<Void>> withoutEndOffsets = new ArrayList<>();
    private final List<Barrier> barriers = new ArrayList<>();

    private StatusView(Consumer<String, byte[]> consumer, Deserializer<WorkflowStatus> deserializer, String topic,
                       List<TopicPartition> partitions, Duration timeout) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.topic = topic;
        this.partitions = partitions;
        this.timeout = timeout;
        this.thread = new Thread(this::run, "gregor-status-view-" + topic);
        this.thread.setDaemon(true);
    }

    /**
     * Assigns every partition of the topic, seeks to its beginning and starts the thread. The
     * setup runs on the caller's thread, so a missing topic fails the caller and nothing is left
     * running.
     *
     * @param consumer     a read_committed consumer without group; owned by the view from now on
     * @param deserializer decodes WorkflowStatus values
     * @param topic        the status topic
     * @param timeout      how long the setup and each end-offset lookup may take
     * @return the running view
     * @throws WorkflowClientException if the topic does not exist or cannot be read
     */
    public static StatusView start(Consumer<String, byte[]> consumer, Deserializer<WorkflowStatus> deserializer,
                                   String topic, Duration timeout) {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new WorkflowClientException("Expected status topic " + topic
                        + " to exist, but found no partitions for it (create the topics with Topics.ensureCreated)", null);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            StatusView view = new StatusView(consumer, deserializer, topic, partitions, timeout);
            view.thread.start();
            return view;
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            if (e instanceof WorkflowClientException known) {
                throw known;
            }
            throw new WorkflowClientException("Expected to read status topic " + topic + ", but found " + e, e);
        }
    }

    /** @return the statuses read so far and the callers waiting for statuses */
    public StatusTable table() {
        return table;
    }

    /** @return true once the thread stopped because of an error; the view will not change any more */
    public boolean hasFailed() {
        return failure != null;
    }

    /**
     * Waits until the view holds every record committed to the topic before this call.
     *
     * @throws WorkflowClientException if that takes longer than the timeout or the view failed
     */
    public void catchUp() {
        CompletableFuture<Void> request = new CompletableFuture<>();
        catchUpRequests.add(request);
        RuntimeException failed = failure;
        if (failed != null || closing) {
            throw failed != null ? failed : closedException();
        }
        consumer.wakeup();
        try {
            request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new WorkflowClientException("Expected to catch up with " + topic + ", but found " + e.getCause(), e);
        } catch (TimeoutException e) {
            request.cancel(false);
            throw new WorkflowClientException("Expected the status view to catch up with the end of " + topic
                    + " within " + timeout + ", but it did not", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkflowClientException("Expected to catch up with " + topic + ", but was interrupted", e);
        }
    }

    private void run() {
        try {
            while (!closing) {
                try {
                    takeEndOffsets();
                    releaseBarriers();
                    ConsumerRecords<String, byte[]> records =
                            consumer.poll(barriers.isEmpty() ? IDLE_POLL : CATCHING_UP_POLL);
                    records.forEach(this::apply);
                    releaseBarriers();
                } catch (WakeupException e) {
                    // A caller asked to catch up, or close() asked to stop: the loop looks at both.
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // The broker is slow or away: fail those waiting now, keep the view for later reads.
                    LOG.warn("The status view of {} could not reach the broker: {}", topic, e.toString());
                    failCatchUps(new WorkflowClientException("Expected the offsets of " + topic
                            + " from the broker within " + timeout + ", but found " + e, e));
                }
            }
            stop(closedException());
        } catch (RuntimeException | Error e) {
            LOG.error("The status view of {} stopped; reads will fail until it is restarted", topic, e);
            stop(new WorkflowClientException("Expected the status view of " + topic
                    + " to keep reading, but it stopped: " + e, e));
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private void takeEndOffsets() {
        for (CompletableFuture<Void> request; (request = catchUpRequests.poll()) != null; ) {
            if (!request.isDone()) {
                withoutEndOffsets.add(request);
            }
        }
        if (withoutEndOffsets.isEmpty()) {
            return;
        }
        // A wakeup here leaves the requests in withoutEndOffsets for the next round.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        barriers.add(new Barrier(ends, List.copyOf(withoutEndOffsets)));
        withoutEndOffsets.clear();
    }

    private void releaseBarriers() {
        if (barriers.isEmpty()) {
            return;
        }
        barriers.removeIf(barrier -> barrier.callers().stream().allMatch(CompletableFuture::isDone));
        for (var it = barriers.iterator(); it.hasNext(); ) {
            Barrier barrier = it.next();
            boolean reached = true;
            for (Map.Entry<TopicPartition, Long> end : barrier.endOffsets().entrySet()) {
                reached &= consumer.position(end.getKey(), timeout) >= end.getValue();
            }
            if (reached) {
                it.remove();
                barrier.callers().forEach(caller -> caller.complete(null));
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                table.remove(record.key());
            }
            return;
        }
        WorkflowStatus status;
        try {
            status = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            // One bad record must not stop every reader of the topic; it is the orchestrator's to fix.
            LOG.warn("Skipping unreadable status record at {}-{} offset {} (key {}): {}",
                    record.topic(), record.partition(), record.offset(), record.key(), e.toString());
            return;
        }
        String instanceId = record.key() != null ? record.key() : status.getInstanceId();
        if (!table.put(instanceId, status)) {
            LOG.debug("Ignoring status of {} at {}-{} offset {}: older than the one held",
                    instanceId, record.topic(), record.partition(), record.offset());
        }
    }

    private void stop(RuntimeException cause) {
        failure = cause;
        table.fail(cause);
        failCatchUps(cause);
        for (CompletableFuture<Void> request; (request = catchUpRequests.poll()) != null; ) {
            request.completeExceptionally(cause);
        }
    }

    private void failCatchUps(RuntimeException cause) {
        withoutEndOffsets.forEach(f -> f.completeExceptionally(cause));
        withoutEndOffsets.clear();
        barriers.forEach(b -> b.callers().forEach(f -> f.completeExceptionally(cause)));
        barriers.clear();
    }

    private WorkflowClientException closedException() {
        return new WorkflowClientException("Expected an open status view of " + topic + ", but it was closed", null);
    }

    /** Stops the thread and closes the consumer; waiting callers fail. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.gregor.loadtest.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches progress as an outside observer: a read_committed consumer on the history changelog,
 * where every committed step of every instance is one record, notes when each partition's records
 * arrive. A partition of the changelog is a partition of the orchestrator (one Kafka Streams
 * task), so a gap in its arrivals is the time that task made no committed progress.
 */
final class ProgressMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<List<Long>> arrivals = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closing;
    private long records;

    private ProgressMonitor(KafkaConsumer<byte[], byte[]> consumer, int partitions) {
        this.consumer = consumer;
        for (int p = 0; p < partitions; p++) {
            arrivals.add(new ArrayList<>());
        }
        this.thread = new Thread(this::run, "chaos-progress-monitor");
        this.thread.setDaemon(true);
    }

    /**
     * @param bootstrap Kafka
     * @param topic     the history changelog (it exists once an orchestrator ran)
     * @return a running monitor, reading from the topic's current end
     */
    static ProgressMonitor start(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "chaos-progress-monitor",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(60));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("Expected the history changelog " + topic + " to exist, but it has no partitions");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        ProgressMonitor monitor = new ProgressMonitor(consumer, partitions.size());
        monitor.thread.start();
        return monitor;
    }

    private void run() {
        try {
            while (!closing) {
                var batch = consumer.poll(POLL);
                long now = System.nanoTime();
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> record : batch) {
                        arrivals.get(record.partition()).add(now);
                        records++;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The progress monitor stopped: {}", e.toString());
        }
    }

    /** @return committed history records seen so far: steps of instances */
    synchronized long records() {
        return records;
    }

    /** What one fault cost, from the arrivals around it. */
    record Stall(long maxMillis, int partitionsStalled, List<Long> perPartitionMillis) {
    }

    /**
     * The stall a fault caused: per partition, the longest gap between two consecutive arrivals
     * that ends after the fault and starts less than {@code window} after it (a gap starting
     * later is another event's); partitions without arrivals in the {@code window} before the
     * fault (idle) are left out. A partition whose stall is longer than {@code threshold} counts
     * as stalled.
     *
     * @param faultNanos {@link System#nanoTime()} of the fault
     * @param window     how long after the fault a gap may start
     * @param threshold  above it a partition counts as stalled
     * @param endNanos   where an open gap (no arrival since) ends
     * @return the stall
     */
    synchronized Stall stallAfter(long faultNanos, Duration window, Duration threshold, long endNanos) {
        List<Long> perPartition = new ArrayList<>();
        long max = 0;
        int stalled = 0;
        for (List<Long> times : arrivals) {
            long worst = gapAfter(times, faultNanos, window.toNanos(), endNanos);
            perPartition.add(TimeUnit.NANOSECONDS.toMillis(Math.max(0, worst)));
            if (worst < 0) {
                continue;
            }
            max = Math.max(max, worst);
            if (worst > threshold.toNanos()) {
                stalled++;
            }
        }
        return new Stall(TimeUnit.NANOSECONDS.toMillis(max), stalled, perPartition);
    }

    /**
     * @param times  a partition's arrivals, in order
     * @param fault  when the fault happened
     * @param window how far before the fault the partition must have progressed to count as busy,
     *               and how long after it a gap may start
     * @param end    where a gap with no arrival after it ends
     * @return the longest gap that spans or follows the fault, or -1 if the partition was idle before it
     */
    static long gapAfter(List<Long> times, long fault, long window, long end) {
        boolean busyBefore = false;
        long worst = -1;
        for (int i = 0; i < times.size(); i++) {
            long a = times.get(i);
            if (a >= fault + window) {
                break;
            }
            if (a > fault - window && a <= fault) {
                busyBefore = true;
            }
            boolean last = i + 1 == times.size();
            if (last && a > fault) {
                break; // it progressed after the fault and then ran out of work
            }
            long b = last ? end : times.get(i + 1); // no progress at all since the fault: stalled until the end
            if (b > fault && a > fault - window) {
                worst = Math.max(worst, b - a);
            }
        }
        return busyBefore ? worst : -1;
    }

    /** @return {@link System#nanoTime()} of the last arrival on any partition, or 0 */
    synchronized long lastArrival() {
        return arrivals.stream().filter(l -> !l.isEmpty()).mapToLong(l -> l.get(l.size() - 1)).max().orElse(0);
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}

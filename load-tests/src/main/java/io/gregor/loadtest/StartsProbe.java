package io.gregor.loadtest;

import io.gregor.client.NewWorkflowRequest;
import io.gregor.client.WorkflowClient;
import io.gregor.loadtest.report.RunResult;
import io.gregor.loadtest.report.RunResult.ClientStarts;
import io.gregor.loadtest.scenario.SequenceWorkflow;
import io.gregor.loadtest.scenario.StepClock;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code starts} scenario: how many workflow starts per second one thread of a {@link WorkflowClient} gets
 * acknowledged, written three ways, one after another, each {@code --instances} times:
 * <ul>
 *   <li>{@code sync}: {@code scheduleNewWorkflow}, one at a time, each waiting for its acknowledgement;</li>
 *   <li>{@code async}: {@code scheduleNewWorkflowAsync} for every start, then a wait for all the futures;</li>
 *   <li>{@code batch}: {@code scheduleNewWorkflows} of {@link #BATCH} requests at a time, each batch awaited
 *       before the next is sent.</li>
 * </ul>
 * No orchestrator runs: the starts stay in the inbox of fresh topics under {@code --prefix} (with {@code --partitions}
 * partitions), so the figure is the client's and the broker's alone. Before measuring, every way writes
 * {@link #WARMUP_STARTS} (at most {@code --instances}) untimed starts (class loading, the JIT, metadata, the schema's registration). A way's time
 * runs from its first call to its last acknowledgement; each start's latency from its call to its acknowledgement.
 * Afterwards the inbox is read back and every start of the run counted: one lost or written twice counts as failed,
 * and the run exits 1.
 */
final class StartsProbe {
    /** Requests per {@code scheduleNewWorkflows} call of the batch way. */
    static final int BATCH = 1_000;
    /** Untimed starts each way writes before any is measured (at most {@code --instances}). */
    static final int WARMUP_STARTS = 2_000;
    /** The ways, in the order they run. */
    static final List<String> WAYS = List.of("sync", "async", "batch");

    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** The longest the audit reads the inbox. */
    private static final Duration READ_LIMIT = Duration.ofMinutes(2);
    private static final String LATENCY_METHOD = "Client-observed time from the call that writes a start "
            + "(scheduleNewWorkflow, scheduleNewWorkflowAsync, or the scheduleNewWorkflows call of its batch) to the broker's "
            + "acknowledgement of its record; no orchestrator reads them. The overall latency and throughput cover the three "
            + "ways together; clientStarts has each way's.";

    private final WorkflowClient client;
    private final String runId;
    private final LatencyRecorder recorder;

    private StartsProbe(WorkflowClient client, String runId, LatencyRecorder recorder) {
        this.client = client;
        this.runId = runId;
        this.recorder = recorder;
    }

    /**
     * Runs the scenario: creates the topics, warms up, measures each way, and audits the inbox.
     *
     * @param options        the run's options (scenario {@code starts})
     * @param bootstrap      Kafka
     * @param registry       the schema registry
     * @param infrastructure how the broker and registry were obtained, for the result
     * @return what was measured; the caller writes the files
     * @throws Exception if the topics cannot be created or the inbox cannot be read
     */
    static RunResult run(DriverOptions options, String bootstrap, String registry, Map<String, Object> infrastructure)
            throws Exception {
        Topics topics = new Topics(options.prefix());
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            topics.ensureCreated(admin, options.partitions(), options.taskPartitions(), (short) -1);
        }
        infrastructure.put("engine", "none: one WorkflowClient in the driver's JVM (its producer settings, overridden by "
                + "parameters.clientProperties); no orchestrator");
        Map<String, Object> parameters = options.describe();
        parameters.put("ways", WAYS);
        parameters.put("batchSize", BATCH);
        int warmup = Math.min(WARMUP_STARTS, options.instances());
        parameters.put("warmupStartsPerWay", warmup);
        String startedAt = Instant.now().toString();
        LatencyRecorder recorder = new LatencyRecorder();
        Map<String, ClientStarts> ways = new LinkedHashMap<>();
        long t0;
        long end;
        WorkflowClient.Builder builder = WorkflowClient.builder().bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                .topicPrefix(topics.prefix()).requestTimeout(options.instanceTimeout());
        options.clientProperties().forEach(builder::kafkaProperty);
        try (WorkflowClient client = builder.build()) {
            StartsProbe probe = new StartsProbe(client, options.runId(), recorder);
            LOG.info("Warming up: {} untimed starts each way", warmup);
            for (String way : WAYS) {
                probe.write(way, way + "-warmup-", warmup, null);
            }
            t0 = System.nanoTime();
            try (Sampler sampler = new Sampler(options, recorder, () -> 0, t0)) {
                for (String way : WAYS) {
                    ways.put(way, probe.measure(way, options.instances()));
                }
            }
            end = System.nanoTime();
        }
        Map<String, Long> written = countStarts(bootstrap, topics, options.runId() + "-");
        Map<String, ClientStarts> audited = new LinkedHashMap<>();
        ways.forEach((way, starts) -> audited.put(way, audit(way, starts, options.instances(), written, options.runId(), recorder)));
        RunResult result = LoadRun.result(options, parameters, startedAt, infrastructure, LATENCY_METHOD, recorder, end, 0,
                StepClock.NONE, t0, end, null);
        return result.withClientStarts(audited);
    }

    private ClientStarts measure(String way, int count) {
        LOG.info("Writing {} starts {}", count, way);
        ConcurrentHistogram micros = new ConcurrentHistogram(3);
        long t0 = System.nanoTime();
        write(way, way + "-", count, micros);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ClientStarts starts = new ClientStarts(count, round(seconds), round(count / seconds), LatencyRecorder.summarize(micros),
                -1, -1, -1);
        LOG.info("{}: {} starts in {} s, {} starts/s; acknowledged after p50 {} p99 {} max {} ms", way, count, starts.seconds(),
                starts.perSecond(), starts.latencyMs().p50(), starts.latencyMs().p99(), starts.latencyMs().max());
        return starts;
    }

    /** Writes {@code count} starts the given way and returns when all are acknowledged (or failed); records into micros if given. */
    private void write(String way, String idPrefix, int count, Histogram micros) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = runId + "-" + idPrefix + i;
            long called = System.nanoTime();
            switch (way) {
                case "sync" -> {
                    try {
                        client.scheduleNewWorkflow(SequenceWorkflow.NAME, 1, id);
                        acknowledged(micros, called);
                    } catch (RuntimeException e) {
                        failed(micros, id, e);
                    }
                }
                case "async" -> pending.add(client.scheduleNewWorkflowAsync(SequenceWorkflow.NAME, 1, id)
                        .whenComplete((ignored, e) -> ended(micros, called, id, e)));
                case "batch" -> {
                    int size = Math.min(BATCH, count - i);
                    List<NewWorkflowRequest> batch = new ArrayList<>(size);
                    for (int j = 0; j < size; j++) {
                        batch.add(NewWorkflowRequest.of(SequenceWorkflow.NAME, 1, runId + "-" + idPrefix + (i + j)));
                    }
                    i += size - 1;
                    String ids = batch.get(0).instanceId() + ".." + batch.get(size - 1).instanceId();
                    client.scheduleNewWorkflows(batch).handle((written, e) -> {
                        for (int j = 0; j < size; j++) {
                            ended(micros, called, j == 0 ? ids : null, e);
                        }
                        return null;
                    }).join();
                }
                default -> throw new IllegalArgumentException("Expected a way among " + WAYS + ", but found " + way);
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((ignored, e) -> null).join();
    }

    private void ended(Histogram micros, long called, String id, Throwable failure) {
        if (failure == null) {
            acknowledged(micros, called);
        } else {
            failed(micros, id, failure);
        }
    }

    private void acknowledged(Histogram micros, long called) {
        if (micros != null) {
            long nanos = System.nanoTime() - called;
            micros.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
            recorder.started();
            recorder.completed(nanos);
        }
    }

    private void failed(Histogram micros, String id, Throwable failure) {
        if (micros != null) {
            recorder.started();
            recorder.failed();
        }
        if (id != null) {
            LOG.warn("The start of {} failed: {}", id, failure.toString());
        }
    }

    /** Every measured start of the way must be in the inbox exactly once; each one lost or doubled counts as failed. */
    private static ClientStarts audit(String way, ClientStarts starts, int count, Map<String, Long> written, String runId,
                                      LatencyRecorder recorder) {
        long records = 0;
        long lost = 0;
        long duplicated = 0;
        for (int i = 0; i < count; i++) {
            long n = written.getOrDefault(runId + "-" + way + "-" + i, 0L);
            records += n;
            lost += n == 0 ? 1 : 0;
            duplicated += Math.max(0, n - 1);
        }
        for (long i = 0; i < lost + duplicated; i++) {
            recorder.failed();
        }
        if (lost + duplicated > 0) {
            LOG.error("{}: expected {} starts in the inbox once each, but {} are missing and {} written more than once", way,
                    count, lost, duplicated);
        }
        return new ClientStarts(starts.starts(), starts.seconds(), starts.perSecond(), starts.latencyMs(), records, lost,
                duplicated);
    }

    /**
     * @return how many start records of each instance id with the prefix the inbox holds, read to its end as of the call
     * @throws IllegalStateException if the end is not reached within {@link #READ_LIMIT}
     */
    private static Map<String, Long> countStarts(String bootstrap, Topics topics, String idPrefix) {
        Map<String, Long> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.inbox()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Expected to read " + topics.inbox() + " up to " + ends + " within "
                            + READ_LIMIT + ", but it did not get there");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header kind = r.headers().lastHeader(InputKind.HEADER);
                    if (r.key() != null && r.key().startsWith(idPrefix) && kind != null
                            && Arrays.equals(kind.value(), InputKind.START.headerValue())) {
                        counts.merge(r.key(), 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

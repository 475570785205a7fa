package io.gregor.orchestrator.internal.telemetry;

import io.gregor.schemas.avro.RuntimeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The orchestrator's meters (docs/metrics.md), shared by every stream task of one orchestrator.
 * Meters that carry a workflow or activity name are resolved once per name and kept, so a step
 * costs a map lookup and an add, never a registry lookup. Gauges are read on scrape: they sum what
 * each task keeps up to date ({@link TaskTelemetry}), and never scan a store.
 *
 * <p>Counters count processing: a step reprocessed after an aborted transaction counts again.
 */
public final class OrchestratorMetrics {
    static final String WORKFLOW = "workflow";
    static final String STATUS = "status";

    private final MeterRegistry registry;
    private final Map<String, Counter> started = new ConcurrentHashMap<>();
    private final Map<String, Ended> ended = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Map<Object, TaskTelemetry> tasks = new ConcurrentHashMap<>();

    /** @param registry where the meters are registered */
    public OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
        cacheHits = Counter.builder("gregor.execution.cache.hits")
                .description("Steps that found their instance's execution live in the cache").register(registry);
        cacheMisses = Counter.builder("gregor.execution.cache.misses")
                .description("Steps that replayed their instance from its history (restart, rebalance, eviction)").register(registry);
        for (RuntimeStatus status : RuntimeStatus.values()) {
            Gauge.builder("gregor.instances", this, m -> m.instances(status)).tag(STATUS, status.name())
                    .description("Instances in the stores of this orchestrator's stream tasks, by status").register(registry);
        }
        Gauge.builder("gregor.timers.pending", this, OrchestratorMetrics::timersPending)
                .description("Durable timers waiting in this orchestrator's timer stores (workflow timers, retry backoffs, delayed starts, retention)")
                .register(registry);
    }

    /** @return metrics that go nowhere (topology tests, and anyone who does not want them) */
    public static OrchestratorMetrics none() {
        return new OrchestratorMetrics(new CompositeMeterRegistry());
    }

    /** @return the registry the meters are in */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Reports Kafka Streams' own commit latency (average and maximum over its recent window, across
     * stream threads) as {@code gregor_commit_latency_seconds{stat}}, read on scrape.
     *
     * @param metrics the Kafka Streams metrics ({@code KafkaStreams::metrics})
     */
    public void commitLatencyFrom(Supplier<Map<MetricName, ? extends Metric>> metrics) {
        for (String stat : new String[] {"avg", "max"}) {
            String name = "commit-latency-" + stat;
            TimeGauge.builder("gregor.commit.latency", metrics, TimeUnit.MILLISECONDS, m -> threadStat(m.get(), name, stat.equals("max")))
                    .tag("stat", stat).description("Time a stream thread spends committing (Kafka Streams' " + name + " of its recent window)")
                    // Nothing else holds the supplier, and a gauge holds its object weakly.
                    .strongReference(true).register(registry);
        }
    }

    private static double threadStat(Map<MetricName, ? extends Metric> metrics, String name, boolean max) {
        double sum = 0;
        double highest = Double.NaN;
        int threads = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            MetricName metric = entry.getKey();
            if (metric.name().equals(name) && metric.group().equals("stream-thread-metrics")
                    && entry.getValue().metricValue() instanceof Number number && !Double.isNaN(number.doubleValue())) {
                sum += number.doubleValue();
                highest = Double.isNaN(highest) ? number.doubleValue() : Math.max(highest, number.doubleValue());
                threads++;
            }
        }
        return max ? highest : threads == 0 ? Double.NaN : sum / threads;
    }

    void workflowStarted(String workflow) {
        lookup(started, workflow, name -> Counter.builder("gregor.workflows.started").tag(WORKFLOW, name)
                .description("Workflow instances created (started or scheduled for a later start)").register(registry)).increment();
    }

    void workflowEnded(String workflow, RuntimeStatus status, long createdAtMs, long endedAtMs) {
        String key = workflow + '\u0000' + status;
        Ended meters = ended.get(key);
        if (meters == null) {
            meters = ended.computeIfAbsent(key, k -> new Ended(registry, workflow, status));
        }
        meters.count.increment();
        meters.duration.record(Math.max(0, endedAtMs - createdAtMs), TimeUnit.MILLISECONDS);
    }

    void activityRetried(String activity) {
        lookup(retries, activity, name -> Counter.builder("gregor.activity.retries").tag("activity", name)
                .description("Activity attempts scheduled after a failed one (retry policy)").register(registry)).increment();
    }

    void cacheHit() {
        cacheHits.increment();
    }

    void cacheMiss() {
        cacheMisses.increment();
    }

    void deadLettered(String reason) {
        lookup(deadLetters, reason, r -> Counter.builder("gregor.dead.letters").tag("reason", r).tag("source", "orchestrator")
                .description("Records written to the dead-letter topic, by reason").register(registry)).increment();
    }

    void attach(Object taskId, TaskTelemetry task) {
        tasks.put(taskId, task);
    }

    void detach(Object taskId, TaskTelemetry task) {
        tasks.remove(taskId, task);
    }

    private double instances(RuntimeStatus status) {
        long sum = 0;
        for (TaskTelemetry task : tasks.values()) {
            sum += task.instances(status);
        }
        return sum;
    }

    private double timersPending() {
        long sum = 0;
        for (TaskTelemetry task : tasks.values()) {
            sum += task.timersPending();
        }
        return sum;
    }

    private static Counter lookup(Map<String, Counter> counters, String name, Function<String, Counter> create) {
        Counter counter = counters.get(name);
        return counter != null ? counter : counters.computeIfAbsent(name, create);
    }

    /** The meters of one workflow name and terminal status. */
    private static final class Ended {
        final Counter count;
        final Timer duration;

        Ended(MeterRegistry registry, String workflow, RuntimeStatus status) {
            count = Counter.builder("gregor.workflows.completed").tag(WORKFLOW, workflow).tag(STATUS, status.name())
                    .description("Workflow instances that ended, by terminal status").register(registry);
            duration = Timer.builder("gregor.workflow.duration").tag(WORKFLOW, workflow).tag(STATUS, status.name())
                    .description("From an instance's creation to its end, in record time").publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofDays(1)).register(registry);
        }
    }
}

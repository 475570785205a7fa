package io.gregor.loadtest;

import io.gregor.loadtest.report.RunResult;
import io.gregor.loadtest.scenario.StepClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code raw-two-hop} scenario: the floor beneath one Gregor step, measured with plain Kafka clients (no Streams,
 * no transactions) on the run's broker. A step is two hops, the orchestrator's task to a worker and the worker's
 * result back, so the probe produces a timestamped record to a tasks topic, a relay thread consumes it and produces
 * it at once to a results topic, and the probe consumes it there. Both topics are fresh, with one partition each,
 * under the run's prefix. One record is in flight at a time.
 *
 * <p>The producers are set up as Gregor's are by default (acks=all, idempotent; the tasks producer lingers like the
 * orchestrator's, the results producer like the worker's), so that what is left between a step and this probe is
 * the engine's own work: the orchestrator's state, its transaction and the worker's dispatch.
 *
 * <p>After {@code --warmup} (and at least {@link #MIN_WARMUP_ROUND_TRIPS} round trips) it measures
 * {@code --instances} round trips, stopping early at {@code --duration}; a round trip that does not come back within
 * {@code --instance-timeout} fails the run. Its result.json reads like a fixed-count scenario's, an instance being a
 * round trip.
 */
public final class RawTwoHopProbe implements AutoCloseable {
    /** Round trips before measuring whatever {@code --warmup} says: the first ones pay for metadata and connections. */
    static final int MIN_WARMUP_ROUND_TRIPS = 200;
    /** linger.ms of the orchestrator's producer (GregorOrchestrator.Builder#streamsProperties), which sends tasks. */
    static final int ORCHESTRATOR_LINGER_MS = 0;
    /** linger.ms of the worker's producer (activity-workers' ClientConfigs#producer), which sends results. */
    static final int WORKER_LINGER_MS = 0;

    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** poll() returns as soon as a record arrives; this only bounds how late a timeout or a stop is noticed. */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final String LATENCY_METHOD = "Kafka round trip of one 16-byte record at a time, plain clients (no "
            + "Streams, no transactions): from just before the probe sends it to the tasks topic (parameters.topics) to the "
            + "moment the probe polls it from the results topic, where a relay thread produced it as soon as it polled it. "
            + "Two produce-consume hops, as a step's task goes to the worker and its result comes back.";

    private final String tasks;
    private final Duration timeout;
    private final Relay relay;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private long sequence;

    private RawTwoHopProbe(String bootstrap, String tasks, String results, Duration timeout) {
        this.tasks = tasks;
        this.timeout = timeout;
        this.relay = new Relay(bootstrap, tasks, results);
        try {
            this.producer = new KafkaProducer<>(producer(bootstrap, "probe", ORCHESTRATOR_LINGER_MS));
            this.consumer = consumer(bootstrap, "probe", results);
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    /**
     * Runs the probe: creates its topics, warms up, measures, and closes its clients.
     *
     * @param options        the run's options (scenario {@code raw-two-hop})
     * @param bootstrap      Kafka
     * @param infrastructure how the broker was obtained, for the result
     * @return what was measured; the caller writes the files
     * @throws Exception if the topics cannot be created, or a round trip failed or timed out
     */
    public static RunResult run(DriverOptions options, String bootstrap, Map<String, Object> infrastructure)
            throws Exception {
        String tasks = options.prefix() + ".raw-two-hop." + options.runId() + ".tasks";
        String results = options.prefix() + ".raw-two-hop." + options.runId() + ".results";
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // The broker's default replication, as a topic Gregor creates without a replication factor gets.
            admin.createTopics(List.of(new NewTopic(tasks, Optional.of(1), Optional.empty()),
                    new NewTopic(results, Optional.of(1), Optional.empty()))).all().get(1, TimeUnit.MINUTES);
        }
        infrastructure.put("engine", "none: the probe and a relay thread in the driver's JVM, plain Kafka clients");
        Map<String, Object> parameters = options.describe();
        parameters.put("topics", List.of(tasks, results));
        parameters.put("tasksProducer", settings(ORCHESTRATOR_LINGER_MS));
        parameters.put("resultsProducer", settings(WORKER_LINGER_MS));
        Map<String, Object> consumers = new LinkedHashMap<>();
        consumers.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        consumers.put("pollTimeoutMs", POLL.toMillis());
        consumers.put("assignment", "partition 0, no group");
        parameters.put("consumers", consumers);
        String startedAt = Instant.now().toString();
        LatencyRecorder recorder = new LatencyRecorder();
        try (RawTwoHopProbe probe = new RawTwoHopProbe(bootstrap, tasks, results, options.instanceTimeout())) {
            LOG.info("Probing raw Kafka round trips {} -> {}: warm-up {} (at least {} round trips), then {} round trips "
                    + "or {}", tasks, results, options.warmup(), MIN_WARMUP_ROUND_TRIPS, options.instances(), options.duration());
            parameters.put("warmupRoundTrips", probe.warmUp(options.warmup()));
            long t0 = System.nanoTime();
            long deadline = t0 + options.duration().toNanos();
            AtomicLong inFlight = new AtomicLong();
            long lastCompletion = 0;
            try (Sampler sampler = new Sampler(options, recorder, inFlight::get, t0)) {
                for (int i = 0; i < options.instances() && System.nanoTime() - deadline < 0; i++) {
                    recorder.started();
                    inFlight.set(1);
                    recorder.completed(probe.roundTrip());
                    lastCompletion = System.nanoTime();
                    inFlight.set(0);
                }
            }
            return LoadRun.result(options, parameters, startedAt, infrastructure, LATENCY_METHOD, recorder, lastCompletion,
                    0, StepClock.NONE, t0, System.nanoTime(), null);
        }
    }

    private long warmUp(Duration warmup) throws Exception {
        long end = System.nanoTime() + warmup.toNanos();
        long done = 0;
        while (done < MIN_WARMUP_ROUND_TRIPS || System.nanoTime() - end < 0) {
            roundTrip();
            done++;
        }
        return done;
    }

    /** @return nanoseconds from just before the send to the poll that returned the record */
    private long roundTrip() throws Exception {
        long seq = ++sequence;
        long sent = System.nanoTime();
        Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(tasks, ByteBuffer.allocate(16).putLong(seq)
                .putLong(sent).array()));
        long deadline = sent + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                ByteBuffer value = ByteBuffer.wrap(record.value());
                if (value.getLong() == seq) {
                    return System.nanoTime() - value.getLong();
                }
            }
            relay.rethrowFailure();
            if (ack.isDone()) {
                ack.get(); // a failed send throws here rather than waiting out the timeout
            }
        }
        throw new IllegalStateException("Expected round trip " + seq + " back within " + timeout + ", but found none");
    }

    /** Closes the probe's clients, then stops the relay, which closes its own. */
    @Override
    public void close() {
        try {
            consumer.close();
            producer.close(CLOSE_TIMEOUT);
        } finally {
            relay.close();
        }
    }

    private static Map<String, Object> settings(int lingerMs) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return settings;
    }

    private static Map<String, Object> producer(String bootstrap, String role, int lingerMs) {
        Map<String, Object> props = new HashMap<>(settings(lingerMs));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "raw-two-hop-" + role);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String role, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "raw-two-hop-" + role,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                // The topic is fresh: from its start, a record sent before this consumer found its position still counts.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        // Assigned, not subscribed: no group, so no rebalance delays the first records.
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        return consumer;
    }

    /** The worker's stand-in: passes every record of one topic on to another as soon as it polls it. */
    private static final class Relay implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final String to;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile Throwable failure;

        Relay(String bootstrap, String from, String to) {
            this.to = to;
            this.consumer = consumer(bootstrap, "relay", from);
            try {
                this.producer = new KafkaProducer<>(producer(bootstrap, "relay", WORKER_LINGER_MS));
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
            this.thread = new Thread(this::relay, "raw-two-hop-relay");
            thread.setDaemon(true);
            thread.start();
        }

        private void relay() {
            try {
                while (!stopping) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        producer.send(new ProducerRecord<>(to, record.key(), record.value()), (metadata, e) -> {
                            if (e != null) {
                                failure = e;
                            }
                        });
                    }
                }
            } catch (WakeupException e) {
                // close() woke the poll up to stop
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                // A consumer may only be used by one thread at a time, so the relay's thread closes both clients.
                try {
                    consumer.close();
                } finally {
                    producer.close(CLOSE_TIMEOUT);
                }
            }
        }

        void rethrowFailure() {
            if (failure != null) {
                throw new IllegalStateException("Expected the relay to pass every record on, but it failed: " + failure, failure);
            }
        }

        @Override
        public void close() {
            stopping = true;
            consumer.wakeup();
            try {
                thread.join(CLOSE_TIMEOUT.multipliedBy(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

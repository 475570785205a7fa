package io.gregor.orchestrator;

import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.http.HttpApiServer;
import io.gregor.orchestrator.internal.DeliveredRecords;
import io.gregor.orchestrator.internal.EngineSettings;
import io.gregor.orchestrator.internal.OrchestratorTopology;
import io.gregor.orchestrator.internal.PublicSchemas;
import io.gregor.orchestrator.internal.Retention;
import io.gregor.orchestrator.internal.SubjectCompatibility;
import io.gregor.orchestrator.internal.WorkflowRegistry;
import io.gregor.orchestrator.internal.ZombieFencer;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.telemetry.OrchestratorMetrics;
import io.gregor.orchestrator.internal.telemetry.Telemetry;
import io.gregor.orchestrator.internal.telemetry.WorkflowTracing;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.CompatibilityLevel;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflows: a Kafka Streams application, embeddable in any Java program, that replays
 * each instance's history and drives it forward with exactly-once processing.
 *
 * <pre>{@code
 * try (GregorOrchestrator orchestrator = GregorOrchestrator.builder()
 *         .bootstrapServers("localhost:9092")
 *         .schemaRegistryUrl("http://localhost:8081")
 *         .registerWorkflow(OrderProcessingWorkflow.class)
 *         .build()) {
 *     orchestrator.start();
 *     ...
 * }
 * }</pre>
 * Run several copies with the same application id to scale out; Kafka Streams spreads the
 * partitions over them.
 */
public final class GregorOrchestrator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GregorOrchestrator.class);

    private final Builder config;
    private final Topology topology;
    private final KafkaStreams streams;
    private final HttpApiServer http;
    private final MeterRegistry meters;
    private final CountDownLatch running = new CountDownLatch(1);
    /** Aborts a dead orchestrator's open transaction as soon as the group drops it (see its comment); null if turned off. */
    private final ZombieFencer fencer;
    /** One registry client for all stream tasks: a task that moves here finds the schemas cached. */
    private final SchemaRegistryClient schemas;

    private GregorOrchestrator(Builder config) {
        this.config = config;
        this.meters = config.meterRegistry != null ? config.meterRegistry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Telemetry telemetry = new Telemetry(new OrchestratorMetrics(meters), new WorkflowTracing(config.openTelemetry));
        this.schemas = SchemaRegistryClient.forUrl(config.schemaRegistryUrl);
        this.topology = OrchestratorTopology.build(config.engineSettings().withTelemetry(telemetry), config.registry, schemas);
        // Bound first: Kafka Streams advertises the API's address to the other orchestrators (application.server).
        this.http = config.httpEnabled ? HttpApiServer.bind(config.httpHost, config.httpPort, config.advertisedHttpUrl,
                config.dashboardEnabled) : null;
        Properties properties = config.streamsProperties();
        if (http != null) {
            properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, http.applicationServer());
        }
        try {
            this.streams = new KafkaStreams(topology, properties);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            schemas.close();
            throw e;
        }
        telemetry.metrics().commitLatencyFrom(streams::metrics);
        if (http != null) {
            http.serveMetrics(meters);
            http.attach(streams, config.topics, config.registry.names(), config.bootstrapServers, config.schemaRegistryUrl, config.converter);
        }
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.fencer = config.fenceDeadOrchestrators ? new ZombieFencer(Admin.create(new StreamsConfig(properties).getAdminConfigs(
                config.applicationId() + "-fencer")), config.applicationId(), "streams".equalsIgnoreCase(
                String.valueOf(properties.get(StreamsConfig.GROUP_PROTOCOL_CONFIG)))) : null;
        streams.setStateListener((now, before) -> {
            if (fencer != null) {
                fencer.rebalancing(now == KafkaStreams.State.REBALANCING);
            }
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates any missing topic, then starts processing (non-blocking; see {@link #awaitRunning}).
     */
    public void start() {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            config.topics.ensureCreated(admin, config.partitions, config.taskPartitions, config.replicationFactor, config.taskQueues);
        }
        // Before the schemas are registered, so that no version of a public subject escapes the registry's check.
        SubjectCompatibility.enforceAtStart(config.schemaRegistryUrl, config.topics, config.taskQueues, config.publicSubjectCompatibility);
        PublicSchemas.register(schemas, config.topics, config.taskQueues);
        streams.start();
        if (fencer != null) {
            fencer.start();
        }
        LOG.info("Gregor orchestrator '{}' started with workflows {}", config.applicationId(), config.registry.names());
        if (config.inlineWorkflowCode && WorkflowCarrier.inlineUnavailableReason() != null) {
            LOG.info("Workflow code runs on the JDK's virtual-thread carriers, not inline on the stream threads: {}",
                    WorkflowCarrier.inlineUnavailableReason());
        }
    }

    /**
     * Waits until the orchestrator processes records (all its stores restored).
     *
     * @param timeout how long to wait
     * @throws TimeoutException if it is not running in time
     */
    public void awaitRunning(Duration timeout) throws TimeoutException {
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("Expected the orchestrator to be RUNNING within " + timeout + ", but it is " + streams.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for the orchestrator to run");
        }
    }

    /** @return the state of the underlying Kafka Streams application */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * @return the URL of this orchestrator's HTTP API (docs/http-api.md), as advertised to the other
     *         orchestrators; empty if it is turned off
     */
    public Optional<URI> httpUrl() {
        return Optional.ofNullable(http).map(HttpApiServer::url);
    }

    /**
     * @return the registry of this orchestrator's meters (docs/metrics.md), served at {@code GET /metrics}
     *         when it is (or holds) a PrometheusMeterRegistry
     */
    public MeterRegistry meterRegistry() {
        return meters;
    }

    /** @return the topology, for inspection ({@code describe()}) */
    public Topology topology() {
        return topology;
    }

    /** Stops processing and commits; live executions are dropped (they are rebuilt from history). */
    @Override
    public void close() {
        try {
            if (http != null) {
                http.close();
            }
        } finally {
            if (fencer != null) {
                fencer.close();
            }
            streams.close(Duration.ofSeconds(30));
            schemas.close();
            if (config.meterRegistry == null) {
                meters.close();
            }
        }
    }

    /**
     * Partitions of the orchestrator's input topics when it creates them: one, because on a small
     * machine with one stream thread more partitions buy no parallelism and make every
     * transaction touch (and the broker mark) more partitions. Size it for the stream threads
     * of all orchestrators you will run; it cannot shrink or grow later without a reset.
     */
    public static final int DEFAULT_PARTITIONS = 1;
    /** Partitions of the activity-tasks topic when the orchestrator creates it; they bound consumer-group workers. */
    public static final int DEFAULT_TASK_PARTITIONS = 8;
    /** The stream threads' {@code fetch.max.wait.ms}: how late a newly assigned partition may be fetched (see streamsProperties). */
    static final int DEFAULT_FETCH_MAX_WAIT_MS = 100;

    /** Kafka Streams' {@code commit.interval.ms}: the longest a step stays uncommitted. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    /** The longest a step that somebody waits for stays uncommitted while its thread has input. */
    public static final Duration DEFAULT_MAX_COMMIT_DELAY = Duration.ofMillis(50);
    /** Whether workers read tasks before the step's transaction commits, as workers do by default. */
    public static final boolean DEFAULT_SPECULATIVE_DISPATCH = true;
    /** The address the HTTP API binds by default: this machine only. */
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    /** The port of the HTTP API by default. */
    public static final int DEFAULT_HTTP_PORT = 7070;

    /** Configures a {@link GregorOrchestrator}. */
    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private Topics topics = Topics.defaults();
        private String applicationId;
        private String stateDir;
        private int partitions = DEFAULT_PARTITIONS;
        private int taskPartitions = DEFAULT_TASK_PARTITIONS;
        private final Set<String> taskQueues = new TreeSet<>();
        private CompatibilityLevel publicSubjectCompatibility = CompatibilityLevel.BACKWARD;
        private short replicationFactor = 1;
        private DataConverter converter = DataConverter.defaultConverter();
        private int executionCacheSize = 10_000;
        private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
        private Duration maxCommitDelay = DEFAULT_MAX_COMMIT_DELAY;
        private boolean inlineWorkflowCode = true;
        private boolean speculativeDispatch = DEFAULT_SPECULATIVE_DISPATCH;
        private Duration yieldTimeout = Duration.ofSeconds(30);
        private Duration timerInterval = Duration.ofMillis(50);
        private final WorkflowRegistry registry = new WorkflowRegistry();
        private boolean fenceDeadOrchestrators = true;
        private final Map<String, Object> streamsOverrides = new HashMap<>();
        private final Map<RuntimeStatus, Duration> retention = new EnumMap<>(RuntimeStatus.class);
        private boolean httpEnabled = true;
        private String httpHost = DEFAULT_HTTP_HOST;
        private int httpPort = DEFAULT_HTTP_PORT;
        private String advertisedHttpUrl;
        private MeterRegistry meterRegistry;
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private boolean dashboardEnabled = true;

        private Builder() {
        }

        /**
         * Whether this orchestrator serves the HTTP API (docs/http-api.md; default true). Every
         * orchestrator of an application should, since each answers for the instances it owns
         * when another one asks.
         *
         * @param enabled whether to serve it
         * @return this
         */
        public Builder httpEnabled(boolean enabled) {
            this.httpEnabled = enabled;
            return this;
        }

        /**
         * @param host the address the HTTP API binds (default {@value GregorOrchestrator#DEFAULT_HTTP_HOST}: this
         *             machine only; 0.0.0.0 for every interface)
         * @return this
         */
        public Builder httpHost(String host) {
            this.httpHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The HTTP API's port. It is bound by {@link #build()} (Kafka Streams is told the address
         * before it starts); read it back from {@link GregorOrchestrator#httpUrl()}.
         *
         * @param port default {@value GregorOrchestrator#DEFAULT_HTTP_PORT}; 0 picks a free one (tests, several orchestrators on one machine)
         * @return this
         */
        public Builder httpPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Expected an HTTP port from 0 to 65535, but found " + port);
            }
            this.httpPort = port;
            return this;
        }

        /**
         * The URL other orchestrators (relaying requests for the instances this one owns) and
         * clients reach this orchestrator's API at; Kafka Streams advertises it as
         * {@code application.server}. Needed when it differs from {@code http://<httpHost>:<port>}, as
         * behind a container's port mapping.
         *
         * @param url e.g. {@code http://orchestrator-1:7070}
         * @return this
         */
        public Builder advertisedHttpUrl(String url) {
            this.advertisedHttpUrl = url;
            return this;
        }

        /**
         * Whether the HTTP API's server also serves the web dashboard at {@code /ui/} (docs/dashboard.md;
         * default true). Without the HTTP API there is no dashboard either.
         *
         * @param enabled whether to serve it
         * @return this
         */
        public Builder dashboardEnabled(boolean enabled) {
            this.dashboardEnabled = enabled;
            return this;
        }

        /**
         * @param registry where the meters go (docs/metrics.md; default: a PrometheusMeterRegistry of its own);
         *                 {@code GET /metrics} serves it if it is, or holds, a PrometheusMeterRegistry. Closed by the caller
         * @return this
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @param openTelemetry turns tracing on (docs/metrics.md#tracing): one trace per instance, continuing the start
         *                      record's {@code traceparent}; default {@link OpenTelemetry#noop()}, off
         * @return this
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /** @param servers Kafka bootstrap servers @return this */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** @param url the schema registry (Confluent REST API) URL @return this */
        public Builder schemaRegistryUrl(String url) {
            this.schemaRegistryUrl = url;
            return this;
        }

        /**
         * The compatibility level every public subject ({@code <topic>-value} of starts, events, control, completions,
         * status, activity tasks and results; docs/contracts.md) has at least in the schema registry, set by
         * {@link GregorOrchestrator#start()}: the registry then refuses, with its reason, a schema that the orchestrator
         * or existing consumers could not read. A subject whose own level already implies it is left alone; a weaker
         * one is raised, with a warning naming it.
         *
         * @param level default BACKWARD (what Gregor's readers need); NONE leaves the registry's settings alone
         * @return this
         */
        public Builder publicSubjectCompatibility(CompatibilityLevel level) {
            this.publicSubjectCompatibility = Objects.requireNonNull(level, "level");
            return this;
        }

        /** @param prefix prefix of every topic name (default "gregor") @return this */
        public Builder topicPrefix(String prefix) {
            this.topics = new Topics(prefix);
            return this;
        }

        /**
         * Whether this orchestrator fences the open transaction of an orchestrator process that has
         * left the group (default true), so that the new owner of the dead process's tasks need not
         * wait for that transaction to time out (docs/configuration.md, "Failover"). It describes the
         * group every 200 ms to see a member go. It needs Describe on the application's transactional
         * ids and group and Write on the transactional ids; without them it logs once and stops.
         *
         * @param enabled whether to fence
         * @return this
         */
        public Builder fenceDeadOrchestrators(boolean enabled) {
            this.fenceDeadOrchestrators = enabled;
            return this;
        }

        /** @param id the Kafka Streams application id (default "<prefix>-orchestrator") @return this */
        public Builder applicationId(String id) {
            this.applicationId = id;
            return this;
        }

        /** @param dir where the local state stores live (default: Kafka Streams' default) @return this */
        public Builder stateDir(String dir) {
            this.stateDir = dir;
            return this;
        }

        /** @param count partitions of the orchestrator input topics when they are created (default {@value GregorOrchestrator#DEFAULT_PARTITIONS}) @return this */
        public Builder partitions(int count) {
            this.partitions = count;
            return this;
        }

        /** @param count partitions of the activity-tasks topic when it is created (default {@value GregorOrchestrator#DEFAULT_TASK_PARTITIONS}) @return this */
        public Builder taskPartitions(int count) {
            this.taskPartitions = count;
            return this;
        }

        /**
         * Declares task queues besides the default one (docs/polyglot.md): the tasks of an activity called with
         * {@code TaskOptions.onTaskQueue(q)} go to {@code <prefix>.activity-tasks.<q>}, created at start with
         * {@code taskPartitions} partitions, where only the workers of that queue (in any language) read them. A call
         * on a queue not declared here fails at once, non-retriable, naming the queue.
         *
         * @param queues queue names: ASCII letters, digits, '.', '_' or '-'
         * @return this
         * @throws IllegalArgumentException if a name cannot end a topic name
         */
        public Builder taskQueues(String... queues) {
            for (String queue : queues) {
                topics.activityTasks(Objects.requireNonNull(queue, "queue")); // fails fast on an illegal name
                taskQueues.add(queue);
            }
            return this;
        }

        /** @param factor replication factor of created topics and internal topics (default 1) @return this */
        public Builder replicationFactor(int factor) {
            this.replicationFactor = (short) factor;
            return this;
        }

        /** @param dataConverter converter of payloads (default JSON) @return this */
        public Builder dataConverter(DataConverter dataConverter) {
            this.converter = Objects.requireNonNull(dataConverter);
            return this;
        }

        /** @param size live executions kept per stream task; 0 replays on every event (default 10,000) @return this */
        public Builder executionCacheSize(int size) {
            this.executionCacheSize = size;
            return this;
        }

        /**
         * The longest any step stays uncommitted: Kafka Streams' {@code commit.interval.ms}. Steps
         * that someone waits for commit sooner (see {@link #maxCommitDelay}); this bounds the
         * others, such as steps that only scheduled tasks that workers read speculatively, and
         * with them how much a crash makes the orchestrator redo. Longer means fewer commits, each
         * of which blocks the stream thread.
         *
         * @param interval default 100 ms
         * @return this
         */
        public Builder commitInterval(Duration interval) {
            this.commitInterval = positive("commit interval", interval);
            return this;
        }

        /**
         * How long a step that someone waits for may stay uncommitted while the stream thread
         * still has input. Such a step (a completion, a status change, a start or event on its way
         * into the inbox, a due timer, and tasks unless {@link #speculativeDispatch(boolean)
         * dispatched speculatively}) is committed as soon as the thread has processed every record
         * its last poll delivered, together with every other step of that batch: an idle
         * orchestrator commits at once. A thread that never runs out of input commits once the
         * first waiting step has waited this long, which bounds its commits under load.
         *
         * @param delay default 50 ms
         * @return this
         */
        public Builder maxCommitDelay(Duration delay) {
            this.maxCommitDelay = positive("maximum commit delay", delay);
            return this;
        }

        private static Duration positive(String what, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("Expected a positive " + what + ", but found " + value);
            }
            return value;
        }

        /**
         * Says whether the workers read activity tasks before the orchestrator's transaction
         * commits ({@code ActivityWorker.Builder.speculativeDispatch}). If they do, a step that
         * only scheduled tasks asks for no prompt commit: its tasks are already on their way.
         * Either setting is correct with either kind of worker; a mismatch only costs latency.
         * Workers dispatch speculatively by default, so this is on by default: turn both off
         * together (for example where an activity must never run for a step that a crash undid
         * before it committed; it would run again for the step that replaced it anyway).
         *
         * @param speculative whether workers dispatch speculatively (default true)
         * @return this
         */
        public Builder speculativeDispatch(boolean speculative) {
            this.speculativeDispatch = speculative;
            return this;
        }

        /**
         * Whether workflow code runs on the stream thread that processes its instance's step
         * (default true) rather than on the JDK's virtual-thread carrier pool. It saves two thread
         * hand-overs per step: with 64 seq10 instances in flight on 2 cores, 86.6 instead of 61.0
         * workflows/s (load-tests/results/README.md). It takes effect only on Java 24 or newer started with
         * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}; elsewhere the pool is used and
         * {@link #start} logs why.
         *
         * <p>The price: code that never yields, such as a busy loop, then occupies a stream
         * thread instead of a carrier thread; the {@link #yieldTimeout yield timeout} still stalls
         * the instance of code that blocks.
         *
         * @param inline whether to run workflow code on the stream threads when the JVM allows it
         * @return this
         */
        public Builder inlineWorkflowCode(boolean inline) {
            this.inlineWorkflowCode = inline;
            return this;
        }

        /** @param timeout how long workflow code may run without awaiting before the instance is stalled (default 30 s) @return this */
        public Builder yieldTimeout(Duration timeout) {
            this.yieldTimeout = timeout;
            return this;
        }

        /** @param interval how often due timers are looked for (default 50 ms) @return this */
        public Builder timerInterval(Duration interval) {
            this.timerInterval = interval;
            return this;
        }

        /**
         * Purges instances that ended with {@code status} once they have been ended for
         * {@code timeToLive} (Dapr's stateRetentionPolicy): their metadata, history and timers are
         * deleted as by a purge request. A durable timer, written when the instance ends, does it.
         * Instances that ended before the policy was set are not affected.
         *
         * @param status     COMPLETED, FAILED or TERMINATED
         * @param timeToLive how long an ended instance is kept (zero: purged as soon as it ends)
         * @return this
         * @throws IllegalArgumentException for a status that is not terminal or a negative time to live
         */
        public Builder retention(RuntimeStatus status, Duration timeToLive) {
            Map<RuntimeStatus, Duration> wanted = new EnumMap<>(retention);
            wanted.put(status, timeToLive);
            new Retention(wanted); // refuses what it cannot keep now, not at build time
            retention.put(status, timeToLive);
            return this;
        }

        /**
         * @param key   a Kafka Streams (or "producer."/"consumer." prefixed client) property
         * @param value its value, overriding Gregor's choice
         * @return this
         */
        public Builder streamsProperty(String key, Object value) {
            streamsOverrides.put(key, value);
            return this;
        }

        /**
         * @param name    the name clients start it by
         * @param factory makes a fresh workflow object per instance
         * @return this
         */
        public Builder registerWorkflow(String name, Supplier<? extends Workflow> factory) {
            registry.register(name, factory);
            return this;
        }

        /**
         * Registers a workflow class under its simple name; it needs a no-argument constructor.
         *
         * @param type the workflow class
         * @return this
         */
        public Builder registerWorkflow(Class<? extends Workflow> type) {
            registry.register(type);
            return this;
        }

        /** @return the orchestrator, not started; its HTTP API is bound already and answers 503 until it runs */
        public GregorOrchestrator build() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            return new GregorOrchestrator(this);
        }

        private String applicationId() {
            return applicationId != null ? applicationId : topics.prefix() + "-orchestrator";
        }

        EngineSettings engineSettings() {
            return new EngineSettings(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, 10_000, maxCommitDelay,
                    speculativeDispatch, WorkflowCarrier.choose(inlineWorkflowCode)).withRetention(new Retention(retention)).withTaskQueues(taskQueues);
        }

        Properties streamsProperties() {
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
            // poll.ms bounds how late a thread waiting for input runs the punctuator that commits what is due.
            p.put(StreamsConfig.POLL_MS_CONFIG,
                    Math.max(1, Math.min(OrchestratorTopology.punctuationInterval(maxCommitDelay).toMillis(), commitInterval.toMillis())));
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
            // A task sent at once saves its step up to a millisecond at low load (seq10 at one in flight 33.4 instead of 39.6 ms);
            // under load batches still form while earlier requests are in flight (67.5 against 71.0 wf/s at 32 in flight, noise).
            p.put(StreamsConfig.producerPrefix("linger.ms"), 0);
            // Right after a commit, the next transaction's first requests often meet the previous one's markers still being
            // written and are refused with CONCURRENT_TRANSACTIONS; at the default 100 ms backoff a stream thread then sat in
            // sendOffsetsToTransaction for ~100 ms a time. Retrying after 5 ms (growing to 1 s) gave seq10 at 64 in flight
            // 98 instead of 73 workflows/s (3 runs each, load-tests/results/README.md).
            p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
            // A consumer adds a partition to a broker's fetch only when no fetch to that broker is in flight, and a fetch of
            // idle partitions waits out fetch.max.wait.ms (500 ms by default). A task taken over after a failover waited two
            // such rounds (about 1 s) for its first records; idle, this costs ten small fetches a second per broker.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), DEFAULT_FETCH_MAX_WAIT_MS);
            if (stateDir != null) {
                p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
            }
            p.putAll(streamsOverrides);
            // The commit pacer learns from it when a stream thread has processed all that its poll delivered.
            String interceptors = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
            p.put(interceptors, withDeliveredRecords(p.get(interceptors)));
            return p;
        }

        private static Object withDeliveredRecords(Object theirs) {
            if (theirs == null || theirs.toString().isBlank()) {
                return DeliveredRecords.class.getName();
            }
            if (theirs instanceof List<?> list) {
                List<Object> all = new ArrayList<>(list);
                all.add(DeliveredRecords.class);
                return all;
            }
            return theirs + "," + DeliveredRecords.class.getName();
        }
    }
}

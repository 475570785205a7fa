package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.store.AttemptRepository;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.orchestrator.internal.telemetry.Telemetry;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityAttempt;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The orchestrator topology in a {@link TopologyTestDriver} with a hand-driven wall clock, its
 * inputs, outputs and stores, for topology tests: timers fire because time is advanced, never by
 * sleeping. Input records carry the driver's start time; the engine takes time from records.
 */
final class TopologyFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final DataConverter JSON = DataConverter.defaultConverter();

    final Topics topics = new Topics("ttd");
    final TopologyTestDriver driver;
    final TestInputTopic<String, StartWorkflow> starts;
    final TestInputTopic<String, ExternalEvent> events;
    final TestInputTopic<String, WorkflowControl> controls;
    final TestOutputTopic<String, ActivityTask> tasks;
    final TestOutputTopic<String, WorkflowStatus> statuses;
    final TestOutputTopic<String, WorkflowCompletion> completions;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<String, ActivityCancellation> cancellations;
    private final TestInputTopic<String, ActivityResult> results;
    private final TestInputTopic<byte[], byte[]> rawInbox;
    private final String registryUrl = "mock://ttd-" + UUID.randomUUID();
    private final SchemaRegistryClient schemas = SchemaRegistryClient.forUrl(registryUrl);

    /**
     * @param workflows  the registered workflows
     * @param cacheSize  live executions kept (0: every step replays, as after a restart)
     * @param retention  how long ended instances are kept
     */
    TopologyFixture(WorkflowRegistry workflows, int cacheSize, Retention retention) {
        this(workflows, cacheSize, retention, Telemetry.none());
    }

    /** @param telemetry where the engine's metrics and spans go */
    TopologyFixture(WorkflowRegistry workflows, int cacheSize, Retention retention, Telemetry telemetry) {
        EngineSettings settings = new EngineSettings(topics, registryUrl, JSON, cacheSize, Duration.ofSeconds(10), Duration.ofMillis(100), 1000,
                Duration.ofMillis(20), false, WorkflowCarrier.choose(true), retention, telemetry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(OrchestratorTopology.build(settings, workflows, schemas), props, T0);
        starts = driver.createInputTopic(topics.starts(), new StringSerializer(), serde(StartWorkflow.class), T0, Duration.ZERO);
        events = driver.createInputTopic(topics.events(), new StringSerializer(), serde(ExternalEvent.class), T0, Duration.ZERO);
        controls = driver.createInputTopic(topics.control(), new StringSerializer(), serde(WorkflowControl.class), T0, Duration.ZERO);
        results = driver.createInputTopic(topics.inbox(), new StringSerializer(), serde(ActivityResult.class), T0, Duration.ZERO);
        tasks = driver.createOutputTopic(topics.activityTasks(), new StringDeserializer(), serde(ActivityTask.class));
        statuses = driver.createOutputTopic(topics.status(), new StringDeserializer(), serde(WorkflowStatus.class));
        completions = driver.createOutputTopic(topics.completions(), new StringDeserializer(), serde(WorkflowCompletion.class));
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        cancellations = driver.createOutputTopic(topics.activityCancellations(), new StringDeserializer(), serde(ActivityCancellation.class));
        rawInbox = driver.createInputTopic(topics.inbox(), new ByteArraySerializer(), new ByteArraySerializer(), T0, Duration.ZERO);
    }

    <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return new AvroSerde<>(schemas, type);
    }

    /** @return a start of {@code workflow} with {@code input}, to adjust (policy, start time) before {@link #start(StartWorkflow)} */
    static StartWorkflow.Builder startOf(String id, String workflow, Object input) {
        return StartWorkflow.newBuilder().setInstanceId(id).setWorkflowName(workflow).setInput(JSON.serialize(input));
    }

    void start(String id, String workflow, Object input) {
        start(startOf(id, workflow, input).build());
    }

    void start(StartWorkflow start) {
        starts.pipeInput(start.getInstanceId(), start);
    }

    void raise(String id, String name, Object payload) {
        events.pipeInput(id, new ExternalEvent(id, name, JSON.serialize(payload)));
    }

    /** @param action one of the control actions (TerminateWorkflow, SuspendWorkflow, ...) */
    void control(String id, Object action) {
        controls.pipeInput(id, new WorkflowControl(id, action));
    }

    void succeed(ActivityTask task, Object output) {
        report(new ActivityResult(task.getInstanceId(), task.getTaskId(), task.getAttempt(), true, JSON.serialize(output), null, "test-worker", null, task.getGeneration()));
    }

    /** As a worker does: straight to the inbox, saying it is a result. */
    void report(ActivityResult result) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(InputKind.HEADER, InputKind.RESULT.headerValue());
        results.pipeInput(new TestRecord<>(result.getInstanceId(), result, headers, T0));
    }

    /** As a worker does: straight to the inbox, saying it is a heartbeat, at {@code at} (the worker's clock). */
    void heartbeat(ActivityTask task, Object details, Instant at) {
        ActivityHeartbeat heartbeat = new ActivityHeartbeat(task.getInstanceId(), task.getTaskId(), task.getAttempt(),
                details == null ? null : JSON.serialize(details), "test-worker", null);
        RecordHeaders headers = new RecordHeaders();
        headers.add(InputKind.HEADER, InputKind.HEARTBEAT.headerValue());
        rawInbox.pipeInput(new TestRecord<>(task.getInstanceId().getBytes(StandardCharsets.UTF_8),
                serde(ActivityHeartbeat.class).serialize(topics.prefix() + ".activity-heartbeats", heartbeat), headers, at));
    }

    /** @return every running activity attempt the orchestrator keeps timeouts for */
    List<ActivityAttempt> attempts() {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(AttemptRepository.STORE);
        AvroSerde<ActivityAttempt> attemptSerde = serde(ActivityAttempt.class);
        List<ActivityAttempt> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> all.add(attemptSerde.deserialize(AttemptRepository.STORE, kv.value)));
        }
        return all;
    }

    List<HistoryEvent> history(String instanceId) {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(HistoryRepository.STORE);
        return new HistoryRepository(store, serde(HistoryBatch.class)).load(instanceId);
    }

    /** @return the stored metadata, or null */
    InstanceMetadata instance(String instanceId) {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(InstanceRepository.STORE);
        return new InstanceRepository(store, serde(InstanceMetadata.class)).get(instanceId);
    }

    /** @return every timer in the timer store, due order */
    List<DurableTimer> timers() {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(TimerRepository.STORE);
        AvroSerde<DurableTimer> timerSerde = serde(DurableTimer.class);
        List<DurableTimer> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> next = it.next();
                all.add(timerSerde.deserialize(TimerRepository.STORE, next.value));
            }
        }
        return all;
    }

    static String outputOf(WorkflowCompletion completion) {
        return JSON.deserialize(completion.getOutput(), String.class);
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** @return the reason of the next dead letter */
    String nextDeadLetterReason() {
        return header(deadLetters.readRecord(), "gregor.error.reason");
    }

    @Override
    public void close() {
        driver.close();
        schemas.close();
    }
}

package io.gregor.testing.internal;

import io.gregor.orchestrator.internal.EngineSettings;
import io.gregor.orchestrator.internal.OrchestratorTopology;
import io.gregor.orchestrator.internal.Retention;
import io.gregor.orchestrator.internal.WorkflowRegistry;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.orchestrator.internal.telemetry.Telemetry;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * The orchestrator's real topology in a {@link TopologyTestDriver}: the same processor, stores and
 * handlers as production, with a schema registry in memory and a wall clock that moves only when
 * {@link #advanceTo} moves it. Every record piped in carries the harness's current time, which
 * is the time the workflow code sees.
 *
 * <p>Timers fire as in production: a wall-clock punctuator takes the due ones from the timer
 * store and writes them to the inbox. Its interval is one millisecond, so moving the clock to a
 * timer's due time fires it at that time.
 */
public final class TopologyHarness implements AutoCloseable {
    private static final Duration TIMER_INTERVAL = Duration.ofMillis(1);
    private static final String DEAD_LETTER_REASON = "gregor.error.reason";

    private final Topics topics = new Topics("gregor-test");
    private final String registryUrl = "mock://workflow-testing-" + UUID.randomUUID();
    private final SchemaRegistryClient schemas = SchemaRegistryClient.forUrl(registryUrl);
    private final DataConverter converter;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, StartWorkflow> starts;
    private final TestInputTopic<String, ExternalEvent> events;
    private final TestInputTopic<String, WorkflowControl> controls;
    private final TestInputTopic<String, ActivityResult> results;
    private final List<TestOutputTopic<String, ActivityTask>> tasks = new ArrayList<>();
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final List<TestOutputTopic<?, ?>> ignoredOutputs = new ArrayList<>();
    private final InstanceRepository instances;
    private final HistoryRepository histories;
    private final KeyValueStore<Bytes, byte[]> timerStore;
    private final AvroSerde<DurableTimer> timerSerde;
    private final Path stateDir;
    private Instant now;

    /**
     * @param registry      the workflows
     * @param converter     the payload converter of workflows and activities
     * @param taskQueues    the named task queues the workflows may use
     * @param replayEachStep whether every step replays the instance's history (no live executions kept)
     * @param start         the clock's first instant
     */
    public TopologyHarness(WorkflowRegistry registry, DataConverter converter, Set<String> taskQueues, boolean replayEachStep, Instant start) {
        this.converter = converter;
        this.now = start;
        EngineSettings settings = new EngineSettings(topics, registryUrl, converter, replayEachStep ? 0 : 10_000, Duration.ofSeconds(30),
                TIMER_INTERVAL, 10_000, Duration.ofMillis(20), false, WorkflowCarrier.choose(true), Retention.NONE, Telemetry.none(), taskQueues);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gregor-workflow-testing");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // A directory per environment: several may be open at once (nested, or tests run in parallel).
        stateDir = temporaryDirectory();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(OrchestratorTopology.build(settings, registry, schemas), props, start);
        starts = driver.createInputTopic(topics.starts(), new StringSerializer(), serde(StartWorkflow.class).serializer());
        events = driver.createInputTopic(topics.events(), new StringSerializer(), serde(ExternalEvent.class).serializer());
        controls = driver.createInputTopic(topics.control(), new StringSerializer(), serde(WorkflowControl.class).serializer());
        results = driver.createInputTopic(topics.inbox(), new StringSerializer(), serde(ActivityResult.class).serializer());
        tasks.add(driver.createOutputTopic(topics.activityTasks(), new StringDeserializer(), serde(ActivityTask.class).deserializer()));
        for (String queue : settings.taskQueues()) {
            tasks.add(driver.createOutputTopic(topics.activityTasks(queue), new StringDeserializer(), serde(ActivityTask.class).deserializer()));
        }
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Read by nobody here; drained so that a long test does not keep every record in memory.
        ignoredOutputs.add(driver.createOutputTopic(topics.status(), new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        ignoredOutputs.add(driver.createOutputTopic(topics.completions(), new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        instances = new InstanceRepository(driver.getKeyValueStore(InstanceRepository.STORE), serde(InstanceMetadata.class));
        histories = new HistoryRepository(driver.getKeyValueStore(HistoryRepository.STORE), serde(HistoryBatch.class));
        timerStore = driver.getKeyValueStore(TimerRepository.STORE);
        timerSerde = serde(DurableTimer.class);
    }

    private <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return new AvroSerde<>(schemas, type);
    }

    /** @return the payload converter */
    public DataConverter converter() {
        return converter;
    }

    /** @return the current time of the harness's clock */
    public Instant now() {
        return now;
    }

    /** @param start the start to process now */
    public void start(StartWorkflow start) {
        starts.pipeInput(new TestRecord<>(start.getInstanceId(), start, now));
    }

    /** @param event the external event to process now */
    public void raise(ExternalEvent event) {
        events.pipeInput(new TestRecord<>(event.getInstanceId(), event, now));
    }

    /** @param control the control request to process now */
    public void control(WorkflowControl control) {
        controls.pipeInput(new TestRecord<>(control.getInstanceId(), control, now));
    }

    /** As a worker reports a result: straight to the inbox, saying it is one. */
    public void report(ActivityResult result) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(InputKind.HEADER, InputKind.RESULT.headerValue());
        results.pipeInput(new TestRecord<>(result.getInstanceId(), result, headers, now));
    }

    /** @return the next activity task the topology emitted and nobody ran yet, if any */
    public Optional<ActivityTask> nextTask() {
        for (TestOutputTopic<String, ActivityTask> topic : tasks) {
            if (!topic.isEmpty()) {
                return Optional.of(topic.readValue());
            }
        }
        return Optional.empty();
    }

    /** @return the reasons of the records dead-lettered since the last call */
    public List<String> takeDeadLetterReasons() {
        ignoredOutputs.forEach(TestOutputTopic::readRecordsToList);
        List<String> reasons = new ArrayList<>();
        while (!deadLetters.isEmpty()) {
            Header reason = deadLetters.readRecord().headers().lastHeader(DEAD_LETTER_REASON);
            reasons.add(reason == null ? "(no reason given)" : new String(reason.value(), StandardCharsets.UTF_8));
        }
        return reasons;
    }

    /** @return the instance's metadata, if it exists */
    public Optional<InstanceMetadata> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    /** @return the instance's history (its current generation), in order */
    public List<HistoryEvent> history(String instanceId) {
        return histories.load(instanceId);
    }

    /** @return every timer in the timer store, earliest first */
    public List<DurableTimer> timers() {
        List<DurableTimer> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timerStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> next = it.next();
                all.add(timerSerde.deserialize(TimerRepository.STORE, next.value));
            }
        }
        return all;
    }

    /**
     * Moves the clock forward, firing the timers due by then at that time.
     *
     * @param instant the new time; one millisecond after now when it is not later (so that the
     *                timers due now fire)
     */
    public void advanceTo(Instant instant) {
        Instant target = instant.isAfter(now) ? instant : now.plus(TIMER_INTERVAL);
        Duration step = Duration.between(now, target);
        now = target;
        driver.advanceWallClockTime(step);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("gregor-workflow-testing-");
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to create a state directory for the test environment, but: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            schemas.close();
            deleteQuietly(stateDir);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temporary directory left behind costs nothing that matters to a test.
        }
    }
}

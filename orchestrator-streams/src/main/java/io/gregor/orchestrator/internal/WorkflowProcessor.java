package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.store.AttemptRepository;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.orchestrator.internal.telemetry.TaskTelemetry;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ActivityAttempt;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single processor that sees every input of the instances of one partition. It only decodes,
 * dispatches to a handler and lets the handler's step land in the stores and sinks; a record it
 * cannot use goes to the dead-letter topic with the reason, and processing goes on. A schema
 * registry that cannot answer is not the record's fault: see {@link RegistryFailures}.
 */
final class WorkflowProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowProcessor.class);
    /** The dead-letter reason of an input a handler refuses, by kind. */
    private static final Map<Class<?>, String> REJECTED = Map.of(Input.Start.class, "rejected_start", Input.Event.class, "rejected_event",
            Input.Control.class, "rejected_control", Input.Rerun.class, "rejected_rerun", Input.Result.class, "rejected_result",
            Input.TimerDue.class, "rejected_timer", Input.ChildEnded.class, "rejected_child_end");

    private final EngineSettings settings;
    private final WorkflowRegistry registry;
    private final ThreadLocal<CommitPacer> pacer;
    private final SchemaRegistryClient schemaRegistry;
    private ProcessorContext<byte[], byte[]> context;
    private InputDecoder decoder;
    private Outputs outputs;
    private TimerRepository timers;
    private ExecutionCache cache;
    private StartHandler starts;
    private EventHandler events;
    private ControlHandler controls;
    private ResultHandler results;
    private HeartbeatHandler heartbeats;
    private TimerHandler timerHandler;
    private RerunStartHandler rerunStarts;
    private ChildEndHandler childEnds;
    private TaskTelemetry telemetry;

    /**
     * @param settings engine settings
     * @param registry the workflows to run
     * @param pacer    the commit pacer of each stream thread
     * @param schemas  the orchestrator's registry client, shared by its tasks and closed by its owner
     */
    WorkflowProcessor(EngineSettings settings, WorkflowRegistry registry, ThreadLocal<CommitPacer> pacer, SchemaRegistryClient schemas) {
        this.settings = settings;
        this.registry = registry;
        this.pacer = pacer;
        this.schemaRegistry = schemas;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        decoder = new InputDecoder(settings.topics(), schemaRegistry);
        outputs = new Outputs(context, settings.topics(), schemaRegistry, pacer, settings.speculativeDispatch(), settings.taskQueues());
        timers = new TimerRepository(context.getStateStore(TimerRepository.STORE), new AvroSerde<>(schemaRegistry, DurableTimer.class));
        // A re-initialised task may follow an aborted transaction: start with an empty cache.
        cache = new ExecutionCache(settings.executionCacheSize());
        InstanceRepository instances = new InstanceRepository(context.getStateStore(InstanceRepository.STORE),
                new AvroSerde<>(schemaRegistry, InstanceMetadata.class));
        // Counted from the restored stores, which a re-initialised task (after an abort) reads again.
        timers.pending();
        telemetry = settings.telemetry().forTask(context.taskId(), instances.countByStatus(), timers::pending);
        ActivityTimeouts activityTimeouts = new ActivityTimeouts(new AttemptRepository(context.getStateStore(AttemptRepository.STORE),
                new AvroSerde<>(schemaRegistry, ActivityAttempt.class)), timers, outputs);
        InstanceStepper stepper = new InstanceStepper(instances,
                new HistoryRepository(context.getStateStore(HistoryRepository.STORE), new AvroSerde<>(schemaRegistry, HistoryBatch.class)),
                timers, outputs, cache, registry, settings.converter(), settings.yieldTimeout(), settings.carrier(), settings.retention(),
                telemetry, activityTimeouts);
        starts = new StartHandler(stepper);
        events = new EventHandler(stepper);
        controls = new ControlHandler(stepper, outputs);
        results = new ResultHandler(stepper, activityTimeouts);
        heartbeats = new HeartbeatHandler(activityTimeouts);
        timerHandler = new TimerHandler(stepper, activityTimeouts);
        rerunStarts = new RerunStartHandler(stepper);
        childEnds = new ChildEndHandler(stepper);
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::fireDueTimers);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        // Time comes from the log, not the clock: reprocessing after an abort must see the same time.
        long now = record.timestamp();
        Origin origin = Origin.of(record.headers(), context.recordMetadata().orElseThrow());
        Input input;
        try {
            input = decoder.decode(lastHeader(record.headers(), InputKind.HEADER), origin.topic(), record.key(), record.value());
        } catch (RuntimeException e) {
            RegistryFailures.rethrowIfRegistryFailure(e, origin.position());
            deadLetter(record, origin, "unreadable", now).reject(e.getMessage());
            return;
        }
        telemetry.received(record.headers());
        Rejection rejection = deadLetter(record, origin, REJECTED.get(input.getClass()), now);
        try {
            switch (input) {
                case Input.Start s -> starts.handle(s, now, rejection);
                case Input.Event e -> events.handle(e, now, rejection);
                case Input.Control c -> controls.handle(c, now, origin.position(), rejection);
                case Input.Result r -> results.handle(r, now);
                case Input.Heartbeat h -> heartbeats.handle(h, now);
                case Input.TimerDue t -> timerHandler.handle(t, now);
                case Input.Rerun r -> rerunStarts.handle(r, now, rejection);
                case Input.ChildEnded c -> childEnds.handle(c, now);
            }
        } catch (RuntimeException e) {
            cache.evict(input.instanceId());
            RegistryFailures.rethrowIfRegistryFailure(e, origin.position());
            // A bug must not stop every other instance of the partition; keep the record for a replay.
            LOG.error("Unexpected failure processing {} for instance {}", input.getClass().getSimpleName(), input.instanceId(), e);
            deadLetter(record, origin, "processing_failure", now).reject("Unexpected failure processing instance " + input.instanceId() + ": " + e);
        }
    }

    /** @param category the reason's category for metrics (docs/metrics.md): a few fixed words, never the message */
    private Rejection deadLetter(Record<byte[], byte[]> record, Origin origin, String category, long now) {
        return reason -> {
            LOG.warn("Dead-lettered record {}-{}@{}: {}", origin.topic(), origin.partition(), origin.offset(), reason);
            outputs.deadLetter(record.key(), record.value(), origin.topic(), origin.partition(), origin.offset(), reason, now);
            telemetry.deadLettered(category);
        };
    }

    /**
     * Due timers are not applied here but written to the inbox, where they take their place among
     * the instance's other inputs; the store entry and the inbox record commit together.
     */
    private void fireDueTimers(long now) {
        for (DurableTimer timer : timers.takeDue(now, settings.timerBatch())) {
            outputs.timerDue(timer, now);
        }
    }

    private static byte[] lastHeader(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : header.value();
    }

    /** Where a record was first written: its intake headers for a copied record, else the inbox itself. */
    private record Origin(String topic, int partition, long offset) {
        static Origin of(Headers headers, RecordMetadata inbox) {
            byte[] topic = lastHeader(headers, Intake.ORIGIN_TOPIC);
            byte[] partition = lastHeader(headers, Intake.ORIGIN_PARTITION);
            byte[] offset = lastHeader(headers, Intake.ORIGIN_OFFSET);
            if (topic == null || partition == null || offset == null) {
                return new Origin(inbox.topic(), inbox.partition(), inbox.offset());
            }
            try {
                return new Origin(text(topic), Integer.parseInt(text(partition)), Long.parseLong(text(offset)));
            } catch (NumberFormatException e) {
                return new Origin(inbox.topic(), inbox.partition(), inbox.offset());
            }
        }

        /** @return "topic/partition/offset", the same on every reprocessing of the record */
        String position() {
            return topic + "/" + partition + "/" + offset;
        }

        private static String text(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.clear();
        }
        if (telemetry != null) {
            telemetry.close();
        }
    }
}

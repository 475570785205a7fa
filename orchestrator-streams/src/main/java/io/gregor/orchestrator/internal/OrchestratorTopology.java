package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.store.AttemptRepository;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import java.time.Duration;

/**
 * The orchestrator topology.
 *
 * <pre>
 *   workflow-starts  ─┐
 *   workflow-events  ─┤
 *   workflow-control ─┼─▶ [intake] ─▶ workflow-inbox ◀─ activity results (Gregor's workers)
 *   activity-results ─┘                    │      ▲     (any other worker)
 *                                          ▼      │ due timers
 *                             [workflow processor] ┤      ┌─▶ activity-tasks[.queue]
 *                              stores: instances,  ├──────┼─▶ workflow-status
 *                              history, timers,    │      ├─▶ workflow-completions
 *                              activity attempts   │      ├─▶ activity-cancellations
 *                                                  │      └─▶ dead-letters
 * </pre>
 *
 * Why it is shaped this way:
 * <ul>
 *   <li>The workflow processor reads one topic, the inbox, keyed by instance id: all inputs of an
 *       instance meet in one partition, so in one stream task whose stores hold that instance
 *       alone, and the partition's order is the order they are processed in. Kafka Streams picks
 *       between several source topics by timestamp and by what happens to be fetched, and a
 *       wall-clock punctuator that applied timers in place would interleave differently on every
 *       run; through the inbox, reprocessing after an aborted transaction sees the same inputs in
 *       the same order and makes the same decisions. That is what makes speculative dispatch
 *       (workers reading tasks before the commit) safe: a task seen before an abort is scheduled
 *       again, identically.</li>
 *   <li>The price is one hop for starts, events and control requests, which become visible to
 *       the processor when the intake's transaction commits. Activity results, the inputs on
 *       the hot path, are written straight to the inbox by Gregor's workers; the public
 *       activity-results topic is for workers in other languages, which need not know the
 *       inbox's header protocol, and pays the intake's hop.</li>
 *   <li>Each declared task queue has a sink of its own, so its tasks go to its own topic
 *       (activity-tasks.&lt;queue&gt;), which only that queue's workers read; the default queue's
 *       topic is activity-tasks.</li>
 *   <li>Sources read raw bytes: decoding happens in the processor, so an unreadable record is
 *       dead-lettered with a precise reason instead of killing the stream thread.</li>
 *   <li>Under exactly_once_v2 the store changelogs, the emitted tasks, statuses, completions and
 *       timer firings and the consumed offsets commit in one transaction: a crash between any two
 *       of them replays the whole step, never half of it.</li>
 *   <li>History is not cached: each step's events are written once, as one record under a key
 *       of their own. Instances and timers are cached, because they may be rewritten several
 *       times between two commits. Instances are written only when their status or custom
 *       status changes, so an ordinary step adds two records to its transaction: its history
 *       record and its activity task.</li>
 * </ul>
 */
public final class OrchestratorTopology {
    /** The source node reading the public inputs (starts, events, control, activity results) that are copied to the inbox. */
    public static final String INTAKE_INPUTS = "intake-inputs";
    /** The processor copying them. */
    public static final String INTAKE = "intake";
    /** The source node reading the inbox. */
    public static final String INPUTS = "orchestrator-inputs";
    /** The processor node. */
    public static final String PROCESSOR = "workflow-processor";
    static final String INTAKE_SINK = "intake-sink";

    private OrchestratorTopology() {
    }

    /**
     * @param maxCommitDelay the engine's {@link EngineSettings#maxCommitDelay()}
     * @return how often the topology's punctuator looks for a commit that is due, so the longest a
     *         stream thread should wait in a poll ({@code poll.ms}) to run it on time
     */
    public static Duration punctuationInterval(Duration maxCommitDelay) {
        return CommitPacer.tick(maxCommitDelay);
    }

    /**
     * @param settings engine settings
     * @param registry the workflows to run
     * @param schemas  the registry client all tasks share, closed by the caller after the topology: one client, so
     *                 that a task taken over after a failover decodes and encodes with the schemas the process
     *                 already knows instead of fetching each again over HTTP on its stream thread
     * @return the topology
     */
    public static Topology build(EngineSettings settings, WorkflowRegistry registry, SchemaRegistryClient schemas) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        ThreadLocal<CommitPacer> pacer = CommitPacer.perThread(settings.maxCommitDelay());
        topology.addSource(INTAKE_INPUTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.starts(), topics.events(), topics.control(),
                topics.activityResults());
        topology.addProcessor(INTAKE, () -> new PacedProcessor(new Intake(topics, pacer), pacer), INTAKE_INPUTS);
        topology.addSink(INTAKE_SINK, topics.inbox(), new ByteArraySerializer(), new ByteArraySerializer(), INTAKE);

        topology.addSource(INPUTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.inbox());
        topology.addProcessor(PROCESSOR, () -> new PacedProcessor(new WorkflowProcessor(settings, registry, pacer, schemas), pacer), INPUTS);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(InstanceRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HistoryRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TimerRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        // Cached: heartbeats rewrite an attempt's entry, often several times between two commits.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AttemptRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addSink(Outputs.TASKS_SINK, topics.activityTasks(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        for (String taskQueue : settings.taskQueues()) {
            topology.addSink(Outputs.tasksSink(taskQueue), topics.activityTasks(taskQueue), new ByteArraySerializer(), new ByteArraySerializer(),
                    PROCESSOR);
        }
        topology.addSink(Outputs.STATUS_SINK, topics.status(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.COMPLETIONS_SINK, topics.completions(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.DEAD_LETTERS_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.CANCELLATIONS_SINK, topics.activityCancellations(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR);
        topology.addSink(Outputs.TIMERS_SINK, topics.inbox(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}

package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The orchestrator topology.
 *
 * <pre>
 *   workflow-starts  ─┐
 *   workflow-events  ─┤                       ┌─▶ activity-tasks
 *   workflow-control ─┼─▶ [workflow processor] ┼─▶ workflow-status
 *   activity-results ─┘   stores: instances,   ├─▶ workflow-completions
 *                          history, timers      └─▶ dead-letters
 * </pre>
 *
 * Why it is shaped this way:
 * <ul>
 *   <li>Every input topic is keyed by instance id and has the same partition count, so all inputs
 *       of an instance meet in one stream task, whose stores hold that instance alone. No
 *       repartition, no cross-task coordination, and one processor sees every event in order.</li>
 *   <li>Sources read raw bytes: decoding happens in the processor, so an unreadable record is
 *       dead-lettered with a precise reason instead of killing the stream thread.</li>
 *   <li>Under exactly_once_v2 the store changelogs, the emitted tasks, statuses and completions
 *       and the consumed offsets commit in one transaction: a crash between any two of them
 *       replays the whole step, never half of it. Workers read tasks read_committed, so a task
 *       becomes visible only with the history that scheduled it, which is why the commit
 *       interval bounds per-step latency and is kept short.</li>
 *   <li>History is not cached (each event is written once, under its own key); instances and
 *       timers are, because they are rewritten many times between two commits.</li>
 * </ul>
 */
public final class OrchestratorTopology {
    /** The source node reading all orchestrator inputs. */
    public static final String INPUTS = "orchestrator-inputs";
    /** The processor node. */
    public static final String PROCESSOR = "workflow-processor";

    private OrchestratorTopology() {
    }

    /**
     * @param settings engine settings
     * @param registry the workflows to run
     * @return the topology
     */
    public static Topology build(EngineSettings settings, WorkflowRegistry registry) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        topology.addSource(INPUTS, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.orchestratorInputs().toArray(String[]::new));
        topology.addProcessor(PROCESSOR, () -> new WorkflowProcessor(settings, registry), INPUTS);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(InstanceRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HistoryRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TimerRepository.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        topology.addSink(Outputs.TASKS_SINK, topics.activityTasks(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.STATUS_SINK, topics.status(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.COMPLETIONS_SINK, topics.completions(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        topology.addSink(Outputs.DEAD_LETTERS_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}

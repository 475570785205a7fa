package io.gregor.testing;

import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.WorkflowRegistry;
import io.gregor.orchestrator.internal.engine.NonDeterministicWorkflowException;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.engine.WorkflowExecution;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testing.internal.HistoryJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Replays recorded histories against the current code of workflows, to prove that instances
 * already running (or started by an older deployment) still replay after a change. It runs the
 * orchestrator's own replay engine, with no Kafka: the code issues its commands and each is
 * matched against the recorded one by sequence id, exactly as an orchestrator does after a
 * restart. A divergence throws the engine's {@link NonDeterministicWorkflowException}, with the
 * very message an orchestrator would stall the instance with (the instance, the workflow, the
 * sequence id, the recorded and the issued command).
 *
 * <pre>{@code
 * WorkflowReplayer replayer = new WorkflowReplayer().registerWorkflow(OrderWorkflow.class);
 * replayer.replay(Path.of("src/test/resources/histories/order.json"));  // throws if the code diverged
 * }</pre>
 *
 * <p>It reads the history export of the HTTP API ({@code GET /v1/workflows/{id}/history}),
 * {@code WorkflowClient.exportHistory(id)}, {@code gregor history ID -o json},
 * {@link WorkflowTestEnvironment#exportHistory} (all the same document), and the one-event-per-line
 * output of {@code gregor history ID -f -o json}, whose generations (continue-as-new) are each
 * replayed. Activities do not run: their results come from the history. A history cut off while
 * its instance was running replays up to its end. See docs/testing-workflows.md.
 */
public final class WorkflowReplayer {
    /** The instance id used for a history that does not name its instance (one event per line). */
    public static final String UNNAMED_INSTANCE = "replayed-instance";
    private static final Duration YIELD_TIMEOUT = Duration.ofSeconds(30);

    private final WorkflowRegistry registry = new WorkflowRegistry();
    private DataConverter converter = DataConverter.defaultConverter();

    /** A replayer with no workflows yet; register the ones whose histories it replays. */
    public WorkflowReplayer() {
    }

    /**
     * Registers a workflow class under its simple name, as {@code GregorOrchestrator.Builder.registerWorkflow(Class)}
     * does; it needs a no-argument constructor.
     *
     * @param type the workflow class
     * @return this
     * @throws IllegalArgumentException if it has no no-argument constructor or its name is taken
     */
    public WorkflowReplayer registerWorkflow(Class<? extends Workflow> type) {
        registry.register(type);
        return this;
    }

    /**
     * Registers a workflow under a name, as {@code GregorOrchestrator.Builder.registerWorkflow(String, Supplier)} does.
     *
     * @param name    the name its histories carry (their WorkflowStarted's workflowName)
     * @param factory makes a fresh workflow object per replay
     * @return this
     * @throws IllegalArgumentException if the name is blank or taken
     */
    public WorkflowReplayer registerWorkflow(String name, Supplier<? extends Workflow> factory) {
        registry.register(name, Objects.requireNonNull(factory, "factory"));
        return this;
    }

    /**
     * The converter the workflows' values were written with (default: JSON), as configured on the orchestrator.
     *
     * @param dataConverter the converter
     * @return this
     */
    public WorkflowReplayer dataConverter(DataConverter dataConverter) {
        this.converter = Objects.requireNonNull(dataConverter, "dataConverter");
        return this;
    }

    /**
     * Replays a history file.
     *
     * @param historyFile a file holding a history export (see the class comment)
     * @throws NonDeterministicWorkflowException if the current code diverges from the history
     * @throws IllegalArgumentException         if the file is not a history, names an event kind
     *                                          this version does not know, or its workflow is not registered
     * @throws UncheckedIOException             if the file cannot be read
     */
    public void replay(Path historyFile) {
        String text;
        try {
            text = Files.readString(historyFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to read the history " + historyFile + ", but: " + e.getMessage(), e);
        }
        try {
            replay(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("In " + historyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replays a history.
     *
     * @param historyJson a history export or one event per line (see the class comment)
     * @throws NonDeterministicWorkflowException if the current code diverges from the history
     * @throws IllegalArgumentException         if the text is not a history, names an event kind
     *                                          this version does not know, or its workflow is not registered
     */
    public void replay(String historyJson) {
        HistoryJson.Export export = HistoryJson.read(historyJson);
        for (List<HistoryEvent> generation : export.generations()) {
            replay(export.instanceId() == null ? UNNAMED_INSTANCE : export.instanceId(), generation);
        }
    }

    private void replay(String instanceId, List<HistoryEvent> history) {
        if (!(history.getFirst().getEvent() instanceof WorkflowStarted started)) {
            throw new IllegalArgumentException("Expected a history that starts with WorkflowStarted, but instance " + instanceId
                    + " starts with " + history.getFirst().getEvent().getClass().getSimpleName());
        }
        String name = started.getWorkflowName();
        Workflow workflow = registry.create(name).orElseThrow(() -> new IllegalArgumentException("Expected a workflow registered as '" + name
                + "' to replay instance " + instanceId + ", but the replayer has only " + registry.names()));
        // The generation only derives child instance ids, which replay takes from the history.
        WorkflowExecution execution = new WorkflowExecution(instanceId, 0, name, workflow, converter, YIELD_TIMEOUT, WorkflowCarrier.choose(true));
        try {
            execution.replay(history);
        } finally {
            execution.destroy();
        }
    }
}

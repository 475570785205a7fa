package io.gregor.loadtest.engine.gregor;

import io.gregor.client.WorkflowClient;
import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.Scenario;
import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.engine.EngineContext;
import io.gregor.loadtest.engine.Recoverable;
import io.gregor.schemas.Topics;
import java.net.URI;
import java.util.Optional;

/**
 * Gregor under load: an orchestrator and a worker in the driver's JVM (unless
 * {@code --no-engine}: then they run elsewhere with the given {@code --prefix}; for the recover
 * scenario the orchestrator runs in a child JVM, see {@link ChildOrchestratorEngine}), a
 * {@link WorkflowClient} that schedules each instance, and a reader of the completions topic.
 */
public final class GregorEngine implements Engine, Recoverable {
    /** The name chosen with {@code --engine}; the default. */
    public static final String NAME = "gregor";

    private LocalEngine local;
    private ChildOrchestratorEngine child;
    private WorkflowClient client;
    private CompletionsReader reader;
    private String workflowName;
    private boolean inProcess;
    private String prefix;
    private String bootstrap;

    /** Does nothing until {@link #start}. */
    public GregorEngine() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(EngineContext context) throws Exception {
        DriverOptions options = context.options();
        workflowName = options.scenario().workflowName();
        inProcess = options.startEngine();
        prefix = options.prefix();
        bootstrap = context.bootstrapServers();
        String registry = context.schemaRegistryUrl();
        if (inProcess && options.scenario() == Scenario.RECOVER) {
            child = ChildOrchestratorEngine.start(options, bootstrap, registry, context.clock());
        } else if (inProcess) {
            local = LocalEngine.start(options, bootstrap, registry, context.clock());
        }
        client = WorkflowClient.builder().bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                .topicPrefix(prefix).build();
        reader = CompletionsReader.start(bootstrap, registry, new Topics(prefix), context.observer());
    }

    @Override
    public void startInstance(String instanceId, Object input) {
        client.scheduleNewWorkflow(workflowName, input, instanceId);
    }

    @Override
    public Optional<URI> httpApi() {
        return local == null ? Optional.empty() : local.httpApi();
    }

    @Override
    public String description() {
        if (child != null) {
            return "orchestrator in a child JVM (SIGKILLed and replaced on the same state directory), worker in the driver's JVM";
        }
        return inProcess ? "orchestrator and worker in the driver's JVM" : "external (--no-engine)";
    }

    @Override
    public String completionSignal() {
        return "the moment the driver polls the instance's committed record on " + prefix + ".workflow-completions "
                + "(one read_committed consumer over all partitions, matching record keys to instance ids)";
    }

    @Override
    public void killOrchestrator() throws InterruptedException {
        requireChild().killOrchestrator();
    }

    @Override
    public void restartOrchestrator() throws Exception {
        requireChild().launchOrchestrator();
    }

    @Override
    public CompletionRecords countCompletionRecords(String idPrefix) {
        return CompletionAudit.count(bootstrap, new Topics(prefix), idPrefix);
    }

    private ChildOrchestratorEngine requireChild() {
        if (child == null) {
            throw new IllegalStateException("Expected the orchestrator in a child JVM (scenario recover), but found "
                    + (inProcess ? "it in the driver's JVM" : "it running elsewhere (--no-engine)"));
        }
        return child;
    }

    /** Closes the reader, the client, then the orchestrator and worker (reverse order of start). */
    @Override
    public void close() {
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (local != null) {
                    local.close();
                }
                if (child != null) {
                    child.close();
                }
            }
        }
    }
}

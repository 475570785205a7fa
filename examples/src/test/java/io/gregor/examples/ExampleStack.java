package io.gregor.examples;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.testkit.Support;
import io.gregor.worker.ActivityWorker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An orchestrator (HTTP API on a free port) and an activity worker on the shared broker and
 * registry, under a topic prefix of their own so they never meet another test's orchestrator,
 * and a client that reads through the HTTP API. Closed by JUnit when kept in an extension store.
 */
public final class ExampleStack implements ExtensionContext.Store.CloseableResource {
    /** How long a test waits for any one outcome; far above what a healthy run needs. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final GregorOrchestrator orchestrator;
    private final ActivityWorker worker;
    private final WorkflowClient client;
    private final Path stateDir;

    private ExampleStack(GregorOrchestrator orchestrator, ActivityWorker worker, WorkflowClient client, Path stateDir) {
        this.orchestrator = orchestrator;
        this.worker = worker;
        this.client = client;
        this.stateDir = stateDir;
    }

    /**
     * @param topicPrefix prefix of this stack's topics, consumer groups and application id
     * @param workflows   registers the workflows on the orchestrator's builder
     * @param activities  registers the activities on the worker's builder
     * @return the running stack
     */
    public static ExampleStack start(String topicPrefix, UnaryOperator<GregorOrchestrator.Builder> workflows,
                                     UnaryOperator<ActivityWorker.Builder> activities) throws IOException, TimeoutException {
        GregorInfrastructure infra = GregorInfrastructure.shared();
        Path stateDir = Files.createTempDirectory("gregor-examples-" + topicPrefix);
        GregorOrchestrator orchestrator = workflows.apply(GregorOrchestrator.builder()
                .bootstrapServers(infra.bootstrapServers()).schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topicPrefix).stateDir(stateDir.toString()).httpPort(0)).build();
        ActivityWorker worker = activities.apply(ActivityWorker.builder()
                .bootstrapServers(infra.bootstrapServers()).schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topicPrefix)).build();
        orchestrator.start();
        worker.start();
        orchestrator.awaitRunning(TIMEOUT);
        WorkflowClient client = WorkflowClient.builder()
                .bootstrapServers(infra.bootstrapServers()).schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topicPrefix).orchestratorUrls(orchestrator.httpUrl().orElseThrow().toString()).build();
        return new ExampleStack(orchestrator, worker, client, stateDir);
    }

    /** {@return the client of this stack} */
    public WorkflowClient client() {
        return client;
    }

    /** {@return the orchestrator's HTTP API} */
    public URI apiUrl() {
        return orchestrator.httpUrl().orElseThrow();
    }

    /** {@return the instance's terminal state; fails the test if it takes longer than {@link #TIMEOUT}} */
    public WorkflowInstanceState awaitCompletion(String instanceId) throws TimeoutException {
        return client.waitForInstanceCompletion(instanceId, TIMEOUT);
    }

    @Override
    public void close() {
        try {
            client.close();
            worker.close();
        } finally {
            orchestrator.close();
            Support.deleteRecursively(stateDir);
        }
    }
}

package io.gregor.cli;

import io.gregor.client.workflow.Workflow;
import io.gregor.examples.order.Inventory;
import io.gregor.examples.order.OrderApps;
import io.gregor.examples.order.OrderProcessingWorkflow;
import io.gregor.examples.patterns.ApprovalWorkflow;
import io.gregor.examples.patterns.ChainingWorkflow;
import io.gregor.examples.patterns.FanOutFanInWorkflow;
import io.gregor.examples.patterns.MonitorWorkflow;
import io.gregor.examples.patterns.Patterns;
import io.gregor.examples.patterns.SagaWorkflow;
import io.gregor.examples.patterns.ShoppingCartWorkflow;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.testkit.Support;
import io.gregor.worker.ActivityWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything Gregor needs in one process, for trying it out and for tests: an embedded Kafka
 * broker and schema registry, an orchestrator serving the HTTP API (and the dashboard unless
 * headless), and an activity worker, with the order quickstart and the pattern workflows
 * registered. Like {@code temporal server start-dev}.
 *
 * <p>Without a data directory, the broker, the registry and the orchestrator's state live in
 * temporary directories that {@link #close()} deletes. With one, they live under it and survive
 * restarts: the broker keeps its topics, the registry its schema ids, and the ports are the same
 * on every start.
 */
public final class DevServer implements AutoCloseable {

    /** The workflows every dev server runs. */
    public static final List<Class<? extends Workflow>> WORKFLOWS = List.of(OrderProcessingWorkflow.class,
            ChainingWorkflow.class, FanOutFanInWorkflow.class, ApprovalWorkflow.class, MonitorWorkflow.class, SagaWorkflow.class,
            ShoppingCartWorkflow.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final int RESTART_SESSION_TIMEOUT_MS = 6_000;

    /**
     * How to run a dev server.
     *
     * @param port     the HTTP port; 0 picks a free one
     * @param headless true to serve the HTTP API without the dashboard
     * @param dataDir  where to keep state across restarts, or null for temporary state
     */
    public record Options(int port, boolean headless, Path dataDir) {
    }

    private final GregorInfrastructure infrastructure;
    private final GregorOrchestrator orchestrator;
    private final ActivityWorker worker;
    private final Options options;
    private final Path stateDir;
    private boolean closed;

    private DevServer(GregorInfrastructure infrastructure, GregorOrchestrator orchestrator, ActivityWorker worker,
                      Options options, Path stateDir) {
        this.infrastructure = infrastructure;
        this.orchestrator = orchestrator;
        this.worker = worker;
        this.options = options;
        this.stateDir = stateDir;
    }

    /**
     * Starts the broker and registry, then the orchestrator and the worker, and returns once the
     * orchestrator processes records.
     *
     * @param options the port, headless or not, the data directory
     * @return the running server; the caller closes it
     * @throws IllegalStateException if a part does not start (the parts already started are stopped)
     */
    public static DevServer start(Options options) {
        GregorInfrastructure infrastructure = options.dataDir() == null
                ? GregorInfrastructure.startEmbedded()
                : GregorInfrastructure.startPersistent(options.dataDir());
        GregorOrchestrator orchestrator = null;
        ActivityWorker worker = null;
        Path stateDir = null;
        try {
            stateDir = options.dataDir() == null ? Files.createTempDirectory("gregor-dev-streams-") : options.dataDir().resolve("streams");
            GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                    .bootstrapServers(infrastructure.bootstrapServers())
                    .schemaRegistryUrl(infrastructure.schemaRegistryUrl())
                    .stateDir(stateDir.toString())
                    .httpPort(options.port())
                    .dashboardEnabled(!options.headless())
                    // Kafka Streams does not leave its group on close: a restart on a data directory would wait
                    // out the previous member's session (45 s by default) before it gets its partitions back.
                    .streamsProperty(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), RESTART_SESSION_TIMEOUT_MS)
                    .registerWorkflow(OrderProcessingWorkflow.class);
            orchestrator = Patterns.registerWorkflows(builder).build();
            worker = Patterns.registerActivities(OrderApps.registerActivities(ActivityWorker.builder()
                    .bootstrapServers(infrastructure.bootstrapServers())
                    .schemaRegistryUrl(infrastructure.schemaRegistryUrl()), Inventory.withDefaultStock())).build();
            orchestrator.start();
            worker.start();
            orchestrator.awaitRunning(START_TIMEOUT);
            return new DevServer(infrastructure, orchestrator, worker, options, stateDir);
        } catch (IOException | TimeoutException | RuntimeException e) {
            stop(worker, orchestrator, infrastructure, options.dataDir() == null ? stateDir : null);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Expected to create a state directory for the orchestrator, but could not", io);
            }
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Expected the dev server's orchestrator to run, but: " + e.getMessage(), e);
        }
    }

    /** {@return the HTTP API's base URL, e.g. {@code http://127.0.0.1:7070}} */
    public URI apiUrl() {
        return orchestrator.httpUrl().orElseThrow();
    }

    /** {@return the dashboard's URL, or empty when headless} */
    public Optional<URI> dashboardUrl() {
        return options.headless() ? Optional.empty() : Optional.of(apiUrl().resolve("/"));
    }

    /** {@return the Kafka bootstrap servers} */
    public String bootstrapServers() {
        return infrastructure.bootstrapServers();
    }

    /** {@return the schema registry's Confluent-API URL} */
    public String schemaRegistryUrl() {
        return infrastructure.schemaRegistryUrl();
    }

    /** {@return the data directory, or empty when the state is temporary} */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(options.dataDir());
    }

    /** {@return what the server prints when it has started: its URLs, where its state is, its workflows} */
    public String banner() {
        StringBuilder text = new StringBuilder("Gregor dev server is running.\n");
        text.append("  HTTP API:         ").append(apiUrl()).append('\n');
        dashboardUrl().ifPresent(url -> text.append("  Dashboard:        ").append(url).append('\n'));
        text.append("  Kafka bootstrap:  ").append(bootstrapServers()).append('\n');
        text.append("  Schema registry:  ").append(schemaRegistryUrl()).append('\n');
        text.append("  State:            ").append(dataDir()
                .map(dir -> "kept in " + dir.toAbsolutePath() + " across restarts")
                .orElse("temporary: deleted when the server stops (--data-dir DIR keeps it)")).append('\n');
        text.append("  Workflows:        ").append(String.join(", ", WORKFLOWS.stream().map(Class::getSimpleName).toList()))
                .append('\n');
        String url = apiUrl().toString().equals(Gregor.DEFAULT_URL) ? "" : " --url " + apiUrl();
        text.append("Try:  gregor run ChainingWorkflow -x '\"Hi!\"'").append(url).append("  then  gregor list").append(url)
                .append('\n');
        return text.toString();
    }

    /** Stops the worker, the orchestrator, then the broker and registry; deletes temporary state. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop(worker, orchestrator, infrastructure, options.dataDir() == null ? stateDir : null);
    }

    private static void stop(ActivityWorker worker, GregorOrchestrator orchestrator, GregorInfrastructure infrastructure,
                             Path temporaryStateDir) {
        try {
            if (worker != null) {
                worker.close();
            }
        } finally {
            try {
                if (orchestrator != null) {
                    orchestrator.close();
                }
            } finally {
                infrastructure.close();
                Support.deleteRecursively(temporaryStateDir);
            }
        }
    }
}

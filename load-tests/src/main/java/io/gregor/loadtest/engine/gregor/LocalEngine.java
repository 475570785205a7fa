package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.scenario.EchoActivity;
import io.gregor.loadtest.scenario.FanOutWorkflow;
import io.gregor.loadtest.scenario.SequenceWorkflow;
import io.gregor.loadtest.scenario.StepClock;
import io.gregor.loadtest.scenario.TimerWorkflow;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An orchestrator and a worker in the driver's JVM, registered with every scenario's workflows
 * and the echo activity. Running them as separate processes comes later; then the driver runs
 * with {@code --no-engine}.
 */
final class LocalEngine implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofMinutes(2);

    private final GregorOrchestrator orchestrator;
    private final ActivityWorker worker;
    private final Path stateDir;

    private LocalEngine(GregorOrchestrator orchestrator, ActivityWorker worker, Path stateDir) {
        this.orchestrator = orchestrator;
        this.worker = worker;
        this.stateDir = stateDir;
    }

    /**
     * Starts both (the orchestrator creates the topics) and waits until the orchestrator runs.
     *
     * @return the running engine
     */
    static LocalEngine start(DriverOptions options, String bootstrap, String registry, StepClock clock)
            throws IOException, TimeoutException {
        Path stateDir = Files.createTempDirectory("gregor-loadtest-state");
        GregorOrchestrator orchestrator = GregorOrchestrator.builder()
                .bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                .topicPrefix(options.prefix()).stateDir(stateDir.toString())
                .partitions(options.partitions()).taskPartitions(2 * options.partitions())
                .registerWorkflow(SequenceWorkflow.NAME, SequenceWorkflow::new)
                .registerWorkflow(FanOutWorkflow.NAME, FanOutWorkflow::new)
                .registerWorkflow(TimerWorkflow.NAME, TimerWorkflow::new)
                .build();
        ActivityWorker worker = ActivityWorker.builder()
                .bootstrapServers(bootstrap).schemaRegistryUrl(registry).topicPrefix(options.prefix())
                .registerActivity(EchoActivity.NAME, new EchoActivity(clock))
                .maxConcurrency(options.workerConcurrency())
                .build();
        LocalEngine engine = new LocalEngine(orchestrator, worker, stateDir);
        try {
            orchestrator.start();
            worker.start();
            orchestrator.awaitRunning(STARTUP);
            return engine;
        } catch (RuntimeException | TimeoutException e) {
            engine.close();
            throw e;
        }
    }

    /** Stops the worker, then the orchestrator, and deletes the local state. */
    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            orchestrator.close();
            deleteQuietly(stateDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}

package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.scenario.StepClock;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * An orchestrator and a worker in the driver's JVM, registered with every scenario's workflows
 * and the echo activity (see {@link EngineSetup}). The recover scenario runs the orchestrator in a
 * child JVM instead ({@link ChildOrchestratorEngine}); elsewhere, run them yourself and use
 * {@code --no-engine}.
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
        Path stateDir = EngineSetup.newStateDir();
        GregorOrchestrator orchestrator = EngineSetup.orchestrator(bootstrap, registry, options.prefix(),
                options.partitions(), options.taskPartitions(), stateDir, options.speculative(), options.commitInterval(),
                options.maxCommitDelay(), options.streamsProperties()).build();
        ActivityWorker worker = EngineSetup.worker(options, bootstrap, registry, clock);
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

    /** @return the orchestrator's HTTP API */
    Optional<URI> httpApi() {
        return orchestrator.httpUrl();
    }

    /** Stops the worker, then the orchestrator, and deletes the local state. */
    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            orchestrator.close();
            EngineSetup.deleteQuietly(stateDir);
        }
    }
}

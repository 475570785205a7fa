package io.gregor.loadtest.engine.gregor;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.scenario.StepClock;
import io.gregor.worker.ActivityWorker;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recover scenario's engine: the orchestrator in a child JVM ({@link OrchestratorProcess}),
 * which can be SIGKILLed and replaced by another on the same state directory and topics, and the
 * worker in the driver's JVM. Each orchestrator's output goes to {@code orchestrator-<n>.log} in
 * the run's output directory.
 */
final class ChildOrchestratorEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    /** A replacement first waits out the killed member's session, then restores its stores. */
    private static final Duration STARTUP = Duration.ofMinutes(6);

    private final OrchestratorProcess.Settings settings;
    private final Path logDir;
    private final ActivityWorker worker;
    private OrchestratorChild orchestrator;
    private int launches;

    private ChildOrchestratorEngine(OrchestratorProcess.Settings settings, Path logDir, ActivityWorker worker) {
        this.settings = settings;
        this.logDir = logDir;
        this.worker = worker;
    }

    /**
     * Starts the orchestrator (which creates the topics), waits until it runs, then starts the worker.
     *
     * @return the running engine
     * @throws Exception if the orchestrator does not reach RUNNING
     */
    static ChildOrchestratorEngine start(DriverOptions options, String bootstrap, String registry, StepClock clock)
            throws Exception {
        OrchestratorProcess.Settings settings = new OrchestratorProcess.Settings(bootstrap, registry, options.prefix(),
                options.partitions(), options.taskPartitions(), EngineSetup.newStateDir(), options.sessionTimeout(), options.speculative(),
                options.commitInterval(), options.maxCommitDelay(), options.streamsProperties());
        ChildOrchestratorEngine engine = new ChildOrchestratorEngine(settings, options.out(),
                EngineSetup.worker(options, bootstrap, registry, clock));
        try {
            engine.launchOrchestrator();
            engine.worker.start();
            return engine;
        } catch (Exception e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Starts an orchestrator on the engine's state directory and returns once it is RUNNING.
     *
     * @throws Exception if it ends or times out first
     */
    void launchOrchestrator() throws Exception {
        if (orchestrator != null) {
            orchestrator.close(); // a no-op after a kill; guards against two orchestrators on one state directory
        }
        Path log = logDir.resolve("orchestrator-" + ++launches + ".log");
        orchestrator = OrchestratorChild.launch(settings, log);
        LOG.info("Started orchestrator {} in a child JVM (pid {}), output in {}", launches, orchestrator.pid(), log);
        orchestrator.awaitRunning(STARTUP);
    }

    /** SIGKILLs the current orchestrator and returns once its process is gone. */
    void killOrchestrator() throws InterruptedException {
        orchestrator.kill();
    }

    /** Stops the worker, then the orchestrator, and deletes the state directory. */
    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            if (orchestrator != null) {
                orchestrator.close();
            }
            EngineSetup.deleteQuietly(settings.stateDir());
        }
    }
}

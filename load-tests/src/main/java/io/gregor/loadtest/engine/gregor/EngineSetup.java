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
import java.util.Map;
import java.util.stream.Stream;

/**
 * The orchestrator and the worker every Gregor engine of the driver runs, wherever they run: in
 * the driver's JVM ({@link LocalEngine}) or, for the orchestrator, in a child JVM
 * ({@link OrchestratorProcess}). One place, so that the orchestrator the recover scenario kills
 * is the one the other scenarios measure.
 */
final class EngineSetup {
    private EngineSetup() {
    }

    /**
     * @param bootstrap  Kafka
     * @param registry   schema registry
     * @param prefix     topic prefix; the application id follows from it
     * @param partitions partitions of the input topics when it creates them
     * @param taskPartitions partitions of the activity-tasks topic when it creates it
     * @param stateDir   where its state stores live
     * @param speculative whether the worker reads tasks before they are committed
     * @param commitInterval the orchestrator's commit interval
     * @param maxCommitDelay the longest a waited-for step stays uncommitted while there is input
     * @param streamsProperties Kafka Streams properties overriding Gregor's
     * @return an orchestrator builder with every scenario's workflow registered
     */
    static GregorOrchestrator.Builder orchestrator(String bootstrap, String registry, String prefix, int partitions, int taskPartitions,
                                                   Path stateDir, boolean speculative, Duration commitInterval,
                                                   Duration maxCommitDelay, Map<String, String> streamsProperties) {
        GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                .bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                .topicPrefix(prefix).stateDir(stateDir.toString()).httpPort(0)
                .partitions(partitions).taskPartitions(taskPartitions)
                .speculativeDispatch(speculative).commitInterval(commitInterval).maxCommitDelay(maxCommitDelay)
                .registerWorkflow(SequenceWorkflow.NAME, SequenceWorkflow::new)
                .registerWorkflow(FanOutWorkflow.NAME, FanOutWorkflow::new)
                .registerWorkflow(TimerWorkflow.NAME, TimerWorkflow::new);
        streamsProperties.forEach(builder::streamsProperty);
        return builder;
    }

    /**
     * @param options   the run's prefix and worker concurrency
     * @param bootstrap Kafka
     * @param registry  schema registry
     * @param clock     told when each step starts
     * @return a worker (not started) for the echo activity
     */
    static ActivityWorker worker(DriverOptions options, String bootstrap, String registry, StepClock clock) {
        return ActivityWorker.builder()
                .bootstrapServers(bootstrap).schemaRegistryUrl(registry).topicPrefix(options.prefix())
                .registerActivity(EchoActivity.NAME, new EchoActivity(clock))
                .maxConcurrency(options.workerConcurrency())
                .speculativeDispatch(options.speculative())
                .mode(options.workerMode())
                .build();
    }

    /** @return a fresh, empty state directory for one run's orchestrator */
    static Path newStateDir() throws IOException {
        return Files.createTempDirectory("gregor-loadtest-state");
    }

    /** @param dir a state directory to delete with everything in it */
    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}

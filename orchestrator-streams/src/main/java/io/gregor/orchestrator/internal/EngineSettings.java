package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.telemetry.Telemetry;
import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the processor needs besides Kafka itself.
 *
 * @param topics             topic names
 * @param schemaRegistryUrl  registry of the Avro schemas ("mock://..." in unit tests)
 * @param converter          payload converter
 * @param executionCacheSize live executions kept per stream task (0 disables the cache)
 * @param yieldTimeout       how long workflow code may run without awaiting
 * @param timerInterval      how often due timers are looked for (wall-clock)
 * @param timerBatch         the most timers fired per punctuation
 * @param maxCommitDelay     the longest a step someone waits for stays uncommitted while its thread has input
 * @param speculativeDispatch whether workers read tasks before they are committed, so that a step
 *                           that only scheduled tasks needs no prompt commit
 * @param carrier            which threads carry workflow code
 * @param retention          how long terminal instances are kept before they are purged
 * @param telemetry          where metrics and traces go (docs/metrics.md)
 * @param taskQueues         the named task queues whose topics exist (the default queue's always does)
 */
public record EngineSettings(Topics topics, String schemaRegistryUrl, DataConverter converter, int executionCacheSize,
                             Duration yieldTimeout, Duration timerInterval, int timerBatch, Duration maxCommitDelay,
                             boolean speculativeDispatch, WorkflowCarrier carrier, Retention retention, Telemetry telemetry,
                             Set<String> taskQueues) {

    /** Copies the queues, sorted, so that the topology's sinks come in the same order on every orchestrator. */
    public EngineSettings {
        taskQueues = Collections.unmodifiableSet(new TreeSet<>(taskQueues));
    }

    /** Settings with the default task queue only. */
    public EngineSettings(Topics topics, String schemaRegistryUrl, DataConverter converter, int executionCacheSize,
                          Duration yieldTimeout, Duration timerInterval, int timerBatch, Duration maxCommitDelay,
                          boolean speculativeDispatch, WorkflowCarrier carrier, Retention retention, Telemetry telemetry) {
        this(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch, maxCommitDelay,
                speculativeDispatch, carrier, retention, telemetry, Set.of());
    }

    /** Settings that record no metrics and no traces. */
    public EngineSettings(Topics topics, String schemaRegistryUrl, DataConverter converter, int executionCacheSize,
                          Duration yieldTimeout, Duration timerInterval, int timerBatch, Duration maxCommitDelay,
                          boolean speculativeDispatch, WorkflowCarrier carrier, Retention retention) {
        this(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch, maxCommitDelay,
                speculativeDispatch, carrier, retention, Telemetry.none());
    }

    /** Settings that keep terminal instances until they are purged by hand. */
    public EngineSettings(Topics topics, String schemaRegistryUrl, DataConverter converter, int executionCacheSize,
                          Duration yieldTimeout, Duration timerInterval, int timerBatch, Duration maxCommitDelay,
                          boolean speculativeDispatch, WorkflowCarrier carrier) {
        this(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch, maxCommitDelay,
                speculativeDispatch, carrier, Retention.NONE);
    }

    /** @return these settings with another retention */
    public EngineSettings withRetention(Retention newRetention) {
        return new EngineSettings(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch,
                maxCommitDelay, speculativeDispatch, carrier, newRetention, telemetry, taskQueues);
    }

    /** @return these settings with other telemetry */
    public EngineSettings withTelemetry(Telemetry newTelemetry) {
        return new EngineSettings(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch,
                maxCommitDelay, speculativeDispatch, carrier, retention, newTelemetry, taskQueues);
    }

    /** @return these settings with other named task queues */
    public EngineSettings withTaskQueues(Set<String> newTaskQueues) {
        return new EngineSettings(topics, schemaRegistryUrl, converter, executionCacheSize, yieldTimeout, timerInterval, timerBatch,
                maxCommitDelay, speculativeDispatch, carrier, retention, telemetry, newTaskQueues);
    }
}

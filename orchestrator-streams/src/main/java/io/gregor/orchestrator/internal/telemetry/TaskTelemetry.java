package io.gregor.orchestrator.internal.telemetry;

import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.apache.kafka.common.header.Headers;

/**
 * What one workflow processor (one stream task) reports, called where the engine already records
 * the matching event: the stepper when it creates, saves, ends or purges an instance and when it
 * schedules a task or finds (or not) the execution in its cache, the processor when it dead-letters
 * a record.
 *
 * <p>Instances by status are counted here, per task, starting from one scan of the task's store
 * when the task starts and kept up to date on every status change the stepper saves, so a scrape
 * only adds up a few numbers. Used by the stream thread that runs the task; the counts are read by
 * the scraping thread.
 */
public final class TaskTelemetry implements AutoCloseable {
    private final OrchestratorMetrics metrics;
    private final WorkflowTracing tracing;
    private final Object taskId;
    private final AtomicLongArray instances;
    private final LongSupplier timersPending;
    /** The trace context of the record being processed, for the instance it may create. */
    private Context parent = Context.root();

    TaskTelemetry(Telemetry telemetry, Object taskId, long[] instanceCounts, LongSupplier timersPending) {
        this.metrics = telemetry.metrics();
        this.tracing = telemetry.tracing();
        this.taskId = taskId;
        this.instances = new AtomicLongArray(instanceCounts);
        this.timersPending = timersPending;
        metrics.attach(taskId, this);
    }

    /** A record is about to be processed: its trace context becomes the parent of an instance it creates. */
    public void received(Headers headers) {
        if (tracing.enabled()) {
            parent = WorkflowTracing.parentOf(headers);
        }
    }

    /**
     * A new instance, started now or scheduled for later, is about to be saved for the first time;
     * when traced, its workflow span starts now and its context goes into {@code meta}.
     */
    public void created(InstanceMetadata meta, long now) {
        metrics.workflowStarted(meta.getWorkflowName());
        if (tracing.enabled()) {
            tracing.started(meta, parent, now);
        }
    }

    /** An event was recorded in the instance's history. */
    public void recorded(InstanceMetadata meta, HistoryEvent event) {
        if (tracing.enabled()) {
            tracing.recorded(meta, event);
        }
    }

    /**
     * A step was saved.
     *
     * @param meta   the instance as saved
     * @param stored the status the store held before the step, or null for a new instance
     * @param ended  whether the step ended the instance
     */
    public void saved(InstanceMetadata meta, RuntimeStatus stored, boolean ended) {
        RuntimeStatus now = meta.getStatus();
        if (stored != now) {
            if (stored != null) {
                instances.decrementAndGet(stored.ordinal());
            }
            instances.incrementAndGet(now.ordinal());
        }
        if (ended) {
            metrics.workflowEnded(meta.getWorkflowName(), now, meta.getCreatedAt().toEpochMilli(), meta.getUpdatedAt().toEpochMilli());
            if (tracing.enabled()) {
                tracing.ended(meta);
            }
        }
    }

    /** The instance was deleted. */
    public void purged(InstanceMetadata meta) {
        instances.decrementAndGet(meta.getStatus().ordinal());
    }

    /** An activity task was scheduled; attempts after the first are retries. */
    public void taskScheduled(String activity, int attempt) {
        if (attempt > 1) {
            metrics.activityRetried(activity);
        }
    }

    /**
     * @return the {@value WorkflowTracing#TRACEPARENT} header value for the records the instance's
     *         step emits (tasks, child starts, completion), or null when it is not traced
     */
    public static byte[] traceParent(InstanceMetadata meta) {
        String traceParent = meta.getTraceParent();
        return traceParent == null ? null : traceParent.getBytes(StandardCharsets.UTF_8);
    }

    /** The instance's execution was live in the cache. */
    public void cacheHit() {
        metrics.cacheHit();
    }

    /** The instance's execution had to be replayed from its history. */
    public void cacheMiss() {
        metrics.cacheMiss();
    }

    /** @param reason a reason category (docs/metrics.md), not the message */
    public void deadLettered(String reason) {
        metrics.deadLettered(reason);
    }

    long instances(RuntimeStatus status) {
        return instances.get(status.ordinal());
    }

    long timersPending() {
        return timersPending.getAsLong();
    }

    @Override
    public void close() {
        metrics.detach(taskId, this);
    }
}

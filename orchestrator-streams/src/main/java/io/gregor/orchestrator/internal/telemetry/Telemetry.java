package io.gregor.orchestrator.internal.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import java.util.function.LongSupplier;

/**
 * The orchestrator's metrics and tracing, shared by its stream tasks.
 *
 * @param metrics the meters
 * @param tracing the workflow spans
 */
public record Telemetry(OrchestratorMetrics metrics, WorkflowTracing tracing) {

    /** @return telemetry that records nothing */
    public static Telemetry none() {
        return new Telemetry(OrchestratorMetrics.none(), new WorkflowTracing(OpenTelemetry.noop()));
    }

    /**
     * @param taskId         the stream task, so that a re-initialised task replaces its old counts
     * @param instanceCounts the task's instances by status when it starts, indexed by ordinal
     * @param timersPending  the task's timers waiting, read on scrape
     * @return what one processor reports to
     */
    public TaskTelemetry forTask(Object taskId, long[] instanceCounts, LongSupplier timersPending) {
        return new TaskTelemetry(this, taskId, instanceCounts, timersPending);
    }
}

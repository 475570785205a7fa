package io.gregor.loadtest.scenario;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.time.Duration;

/** Sleeps on one durable timer of the given number of milliseconds, then completes ({@code timers}). */
public final class TimerWorkflow implements Workflow {
    /** The name the driver registers and starts it under. */
    public static final String NAME = "LoadTimer";

    @Override
    public Object run(WorkflowContext ctx) {
        long millis = ctx.getInput(Long.class);
        ctx.createTimer(Duration.ofMillis(millis)).await();
        return millis;
    }
}

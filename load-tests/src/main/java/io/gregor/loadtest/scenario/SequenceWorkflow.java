package io.gregor.loadtest.scenario;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;

/**
 * Calls the echo activity N times, one after the other ({@code hello1}: N = 1, {@code seq10}: 10,
 * {@code longhist}: 20,000 by default). Each step passes its index, so the worker can timestamp
 * the step for the per-step latency of {@code longhist}.
 */
public final class SequenceWorkflow implements Workflow {
    /** The name the driver registers and starts it under. */
    public static final String NAME = "LoadSequence";

    @Override
    public Object run(WorkflowContext ctx) {
        int steps = ctx.getInput(Integer.class);
        for (int step = 0; step < steps; step++) {
            ctx.callActivity(EchoActivity.NAME, step, Integer.class).await();
        }
        return steps;
    }
}

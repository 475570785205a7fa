package io.gregor.examples.patterns;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.time.Duration;

/**
 * Monitor: checks, sleeps on a durable timer, and continues as new, so its history stays one
 * generation long however long it runs. The input is the number of checks left (default 3).
 */
public final class MonitorWorkflow implements Workflow {
    /** The activity: checks something and reports its state. */
    public static final String CHECK_HEALTH = "CheckHealth";
    /** The pause between checks. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final int DEFAULT_CHECKS = 3;

    @Override
    public Object run(WorkflowContext ctx) {
        Integer input = ctx.getInput(Integer.class);
        int checksLeft = input == null ? DEFAULT_CHECKS : input;
        String health = ctx.callActivity(CHECK_HEALTH, ctx.getInstanceId(), String.class).await();
        ctx.setCustomStatus(health + ", " + (checksLeft - 1) + " checks left");
        if (checksLeft <= 1) {
            return "monitoring done: " + health;
        }
        ctx.createTimer(INTERVAL).await();
        ctx.continueAsNew(checksLeft - 1);
        return null;
    }
}

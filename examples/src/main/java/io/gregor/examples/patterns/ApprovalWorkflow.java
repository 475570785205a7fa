package io.gregor.examples.patterns;

import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.time.Duration;

/**
 * Human interaction: asks for an approval, then waits for the external event {@value #EVENT}
 * (its data: the approver's name) with a durable timeout; the input is the timeout in seconds
 * (default one hour).
 */
public final class ApprovalWorkflow implements Workflow {
    /** The event that approves. */
    public static final String EVENT = "approval";
    /** The activity that asks for the approval (here: logs the request). */
    public static final String REQUEST_APPROVAL = "RequestApproval";
    private static final int DEFAULT_TIMEOUT_SECONDS = 3600;

    @Override
    public Object run(WorkflowContext ctx) {
        Integer input = ctx.getInput(Integer.class);
        Duration timeout = Duration.ofSeconds(input == null ? DEFAULT_TIMEOUT_SECONDS : input);
        ctx.callActivity(REQUEST_APPROVAL, ctx.getInstanceId()).await();
        ctx.setCustomStatus("waiting for approval");
        try {
            String approver = ctx.waitForExternalEvent(EVENT, timeout, String.class).await();
            ctx.setCustomStatus("approved");
            return "approved by " + approver;
        } catch (TaskCanceledException timedOut) {
            ctx.setCustomStatus("timed out");
            return "not approved within " + timeout.toSeconds() + " s";
        }
    }
}

package io.gregor.loadtest.scenario;

import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.util.ArrayList;
import java.util.List;

/** Schedules N echo activities at once and joins them ({@code fan100}: N = 100, {@code fan10k}: 10,000). */
public final class FanOutWorkflow implements Workflow {
    /** The name the driver registers and starts it under. */
    public static final String NAME = "LoadFanOut";

    @Override
    public Object run(WorkflowContext ctx) {
        int width = ctx.getInput(Integer.class);
        List<Task<Integer>> tasks = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            tasks.add(ctx.callActivity(EchoActivity.NAME, i, Integer.class));
        }
        return ctx.allOf(tasks).await().size();
    }
}

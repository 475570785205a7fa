package io.gregor.client.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Compensations for a saga: register one after each step succeeds; if a later step fails, call
 * {@link #compensate()} to run them in reverse order, each as a durable activity.
 *
 * <pre>{@code
 * Saga saga = new Saga(ctx);
 * ctx.callActivity("ReserveCar", order).await();
 * saga.addCompensation("CancelCar", order);
 * try {
 *     ctx.callActivity("ChargeCard", order).await();
 * } catch (TaskFailedException e) {
 *     saga.compensate();
 *     throw e;
 * }
 * }</pre>
 */
public final class Saga {
    private record Compensation(String activityName, Object input, TaskOptions options) {
    }

    private final WorkflowContext ctx;
    private final List<Compensation> compensations = new ArrayList<>();

    /** @param ctx the workflow's context, used to schedule the compensating activities */
    public Saga(WorkflowContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Registers a compensating activity to run if the saga is compensated.
     *
     * @param activityName the compensating activity
     * @param input        its input
     */
    public void addCompensation(String activityName, Object input) {
        addCompensation(activityName, input, null);
    }

    /**
     * Registers a compensating activity with options (e.g. a retry policy).
     *
     * @param activityName the compensating activity
     * @param input        its input
     * @param options      its options, or null
     */
    public void addCompensation(String activityName, Object input, TaskOptions options) {
        compensations.add(new Compensation(activityName, input, options));
    }

    /**
     * Runs the registered compensations one after the other, the last registered first. A
     * compensation that fails does not stop the others; the first such failure is thrown after
     * all have run.
     *
     * @throws TaskFailedException if a compensation failed
     */
    public void compensate() {
        TaskFailedException first = null;
        for (int i = compensations.size() - 1; i >= 0; i--) {
            Compensation c = compensations.get(i);
            try {
                ctx.callActivity(c.activityName(), c.input(), c.options(), Void.class).await();
            } catch (TaskFailedException e) {
                first = first == null ? e : first;
            }
        }
        compensations.clear();
        if (first != null) {
            throw first;
        }
    }
}

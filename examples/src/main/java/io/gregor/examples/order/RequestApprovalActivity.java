package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.ApprovalResult;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks a manager to approve an expensive order (here: approves automatically, as Dapr's quickstart does). */
public final class RequestApprovalActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "RequestApprovalActivity";
    private static final Logger LOG = LoggerFactory.getLogger(RequestApprovalActivity.class);

    @Override
    public Object run(ActivityContext ctx) {
        OrderPayload order = ctx.getInput(OrderPayload.class);
        LOG.info("{}: requesting approval for a payment of ${} (over ${})", NAME, order.totalCost(),
                OrderProcessingWorkflow.APPROVAL_THRESHOLD);
        return new ApprovalResult(true, "manager");
    }
}

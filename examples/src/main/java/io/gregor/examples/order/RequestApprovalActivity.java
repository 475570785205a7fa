package io.gregor.examples.order;

import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a manager to approve an expensive order (here: logs the request). The manager answers by
 * raising the event {@value OrderProcessingWorkflow#APPROVAL_EVENT} on the order's instance.
 */
public final class RequestApprovalActivity implements Activity {
    /** The registered name. */
    public static final String NAME = "RequestApprovalActivity";
    private static final Logger LOG = LoggerFactory.getLogger(RequestApprovalActivity.class);

    @Override
    public Object run(ActivityContext ctx) {
        OrderPayload order = ctx.getInput(OrderPayload.class);
        LOG.info("{}: requesting approval for a payment of ${} (over ${}) of order {}; answer with the event '{}'", NAME,
                order.totalCost(), OrderProcessingWorkflow.APPROVAL_THRESHOLD, ctx.getInstanceId(), OrderProcessingWorkflow.APPROVAL_EVENT);
        return null;
    }
}

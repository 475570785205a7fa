package io.gregor.examples.order;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.examples.order.OrderModel.InventoryRequest;
import io.gregor.examples.order.OrderModel.InventoryResult;
import io.gregor.examples.order.OrderModel.ManagerApproval;
import io.gregor.examples.order.OrderModel.Notification;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.examples.order.OrderModel.PaymentRequest;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The order-processing workflow of Dapr's workflow quickstart, on Gregor: notify, reserve
 * inventory, ask for approval above a cost threshold, pay, update the inventory, notify.
 *
 * <p>The approval is human interaction with a timeout, as in Dapr's quickstart: an order above
 * {@link #APPROVAL_THRESHOLD} asks a manager, then waits for the external event
 * {@value #APPROVAL_EVENT} (data {@code {"approval": true}} or {@code false}) racing a durable
 * timer. Approved: the order goes on. Rejected or timed out: it ends not processed.
 */
public final class OrderProcessingWorkflow implements Workflow {
    /** Orders costing more than this need approval. */
    public static final double APPROVAL_THRESHOLD = 5_000;
    /** The external event a manager raises to decide; its data is a {@link ManagerApproval}. */
    public static final String APPROVAL_EVENT = "manager_approval";
    /** How long an order waits for the manager by default. */
    public static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(2);
    /** The custom status while an order waits for the manager. */
    public static final String WAITING_FOR_APPROVAL = "waiting for manager approval";

    /** Payments are retried: a card service that fails for a moment must not fail the order. */
    public static final RetryPolicy PAYMENT_RETRIES = RetryPolicy.of(3, Duration.ofSeconds(1)).withBackoffCoefficient(2);

    private final Duration approvalTimeout;

    /** An order workflow that waits {@link #APPROVAL_TIMEOUT} for an approval. */
    public OrderProcessingWorkflow() {
        this(APPROVAL_TIMEOUT);
    }

    /** @param approvalTimeout how long an order above the threshold waits for the manager */
    public OrderProcessingWorkflow(Duration approvalTimeout) {
        this.approvalTimeout = approvalTimeout;
    }

    @Override
    public Object run(WorkflowContext ctx) {
        Logger log = ctx.getLogger();
        OrderPayload order = ctx.getInput(OrderPayload.class);
        String orderId = ctx.getInstanceId();
        log.info("Workflow {}: received order {} ({} {} for ${})", ctx.getName(), orderId, order.quantity(), order.itemName(),
                order.totalCost());
        notify(ctx, "Received order " + orderId + " for " + order.quantity() + " " + order.itemName() + " at $" + order.totalCost());

        InventoryRequest inventoryRequest = new InventoryRequest(orderId, order.itemName(), order.quantity());
        InventoryResult reserved = ctx.callActivity(ReserveInventoryActivity.NAME, inventoryRequest, InventoryResult.class).await();
        if (!reserved.success()) {
            notify(ctx, "Insufficient inventory for " + order.itemName());
            return new OrderResult(false);
        }

        if (order.totalCost() > APPROVAL_THRESHOLD && !approved(ctx, order)) {
            return new OrderResult(false);
        }

        ctx.callActivity(ProcessPaymentActivity.NAME, new PaymentRequest(orderId, order.itemName(), order.quantity(), order.totalCost()),
                TaskOptions.withRetryPolicy(PAYMENT_RETRIES), Void.class).await();
        try {
            ctx.callActivity(UpdateInventoryActivity.NAME, inventoryRequest, InventoryResult.class).await();
        } catch (TaskFailedException e) {
            notify(ctx, "Order " + orderId + " failed: " + e.getFailureDetails().errorMessage());
            return new OrderResult(false);
        }
        notify(ctx, "Order " + orderId + " has completed!");
        return new OrderResult(true);
    }

    private boolean approved(WorkflowContext ctx, OrderPayload order) {
        String orderId = ctx.getInstanceId();
        ctx.callActivity(RequestApprovalActivity.NAME, order).await();
        ctx.setCustomStatus(WAITING_FOR_APPROVAL);
        Task<ManagerApproval> approval = ctx.waitForExternalEvent(APPROVAL_EVENT, ManagerApproval.class);
        Task<Void> timeout = ctx.createTimer(approvalTimeout);
        if (ctx.anyOf(approval, timeout).await() == timeout) {
            ctx.setCustomStatus("approval timed out");
            notify(ctx, "Payment for order " + orderId + " has been cancelled due to timeout!");
            return false;
        }
        boolean approved = approval.await() != null && approval.await().approval();
        ctx.setCustomStatus(approved ? "approved" : "rejected");
        notify(ctx, "Payment for order " + orderId + " has been " + (approved ? "approved!" : "rejected!"));
        return approved;
    }

    private static void notify(WorkflowContext ctx, String message) {
        ctx.callActivity(NotifyActivity.NAME, new Notification(message)).await();
    }
}

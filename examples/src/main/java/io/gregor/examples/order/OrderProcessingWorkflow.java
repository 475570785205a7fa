package io.gregor.examples.order;

import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.examples.order.OrderModel.ApprovalResult;
import io.gregor.examples.order.OrderModel.InventoryRequest;
import io.gregor.examples.order.OrderModel.InventoryResult;
import io.gregor.examples.order.OrderModel.Notification;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.examples.order.OrderModel.PaymentRequest;
import org.slf4j.Logger;

/**
 * The order-processing workflow of Dapr's workflow quickstart, on Gregor: notify, reserve
 * inventory, ask for approval above a cost threshold, pay, update the inventory, notify.
 */
public final class OrderProcessingWorkflow implements Workflow {
    /** Orders costing more than this need approval. */
    public static final double APPROVAL_THRESHOLD = 5_000;

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

        if (order.totalCost() > APPROVAL_THRESHOLD) {
            ApprovalResult approval = ctx.callActivity(RequestApprovalActivity.NAME, order, ApprovalResult.class).await();
            if (!approval.approved()) {
                notify(ctx, "Order " + orderId + " was not approved");
                return new OrderResult(false);
            }
            log.info("Workflow {}: order {} approved by {}", ctx.getName(), orderId, approval.approver());
        }

        ctx.callActivity(ProcessPaymentActivity.NAME, new PaymentRequest(orderId, order.itemName(), order.quantity(), order.totalCost()))
                .await();
        try {
            ctx.callActivity(UpdateInventoryActivity.NAME, inventoryRequest, InventoryResult.class).await();
        } catch (TaskFailedException e) {
            notify(ctx, "Order " + orderId + " failed: " + e.getFailureDetails().errorMessage());
            return new OrderResult(false);
        }
        notify(ctx, "Order " + orderId + " has completed!");
        return new OrderResult(true);
    }

    private static void notify(WorkflowContext ctx, String message) {
        ctx.callActivity(NotifyActivity.NAME, new Notification(message)).await();
    }
}

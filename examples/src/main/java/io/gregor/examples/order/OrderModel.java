package io.gregor.examples.order;

/** The records the order workflow and its activities exchange (JSON on the wire). */
public final class OrderModel {
    private OrderModel() {
    }

    /** An order: what, how many, for how much. */
    public record OrderPayload(String itemName, double totalCost, int quantity) {
    }

    /** Reserve or take {@code quantity} of {@code itemName} from the inventory. */
    public record InventoryRequest(String requestId, String itemName, int quantity) {
    }

    /** Whether the inventory had enough, and what is left. */
    public record InventoryResult(boolean success, String itemName, int remaining, double totalCost) {
    }

    /** A manager's decision, the data of the {@code manager_approval} event: {@code {"approval": true}}. */
    public record ManagerApproval(boolean approval) {
    }

    /** A payment to process. */
    public record PaymentRequest(String requestId, String itemName, int quantity, double amount) {
    }

    /** A message for the customer. */
    public record Notification(String message) {
    }

    /** The workflow's output. */
    public record OrderResult(boolean processed) {
    }
}

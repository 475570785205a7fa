package io.gregor.examples.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import io.gregor.examples.order.OrderModel.ManagerApproval;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.testkit.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order's approval step in its Dapr form, on a real broker and registry: an order above the
 * threshold waits for {@code manager_approval} or a timeout; only an approval lets it through.
 */
class OrderApprovalTest {
    /** The order workflow under another name, with a timeout short enough to wait out in a test. */
    private static final String IMPATIENT_ORDER = "ImpatientOrderProcessingWorkflow";
    private static final OrderPayload EXPENSIVE = new OrderPayload("cars", 30_000, 2);
    private static final Inventory INVENTORY = Inventory.withDefaultStock();
    private static ExampleStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = ExampleStack.start("examples-orders",
                builder -> builder.registerWorkflow(OrderProcessingWorkflow.class)
                        .registerWorkflow(IMPATIENT_ORDER, () -> new OrderProcessingWorkflow(Duration.ofSeconds(1))),
                builder -> OrderApps.registerActivities(builder, INVENTORY));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anApprovedOrderAboveTheThresholdIsProcessed() throws Exception {
        // given
        int before = INVENTORY.available("cars");
        String id = waitingOrder();

        // when
        stack.client().raiseEvent(id, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(true));

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isTrue();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approved");
        assertThat(INVENTORY.available("cars")).isEqualTo(before - EXPENSIVE.quantity());
    }

    @Test
    void aRejectedOrderIsNotProcessed() throws Exception {
        // given
        int before = INVENTORY.available("cars");
        String id = waitingOrder();

        // when
        stack.client().raiseEvent(id, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(false));

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isFalse();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("rejected");
        assertThat(INVENTORY.available("cars")).isEqualTo(before);
    }

    @Test
    void anOrderNobodyApprovesInTimeIsNotProcessed() throws Exception {
        // given
        int before = INVENTORY.available("cars");

        // when
        String id = stack.client().scheduleNewWorkflow(IMPATIENT_ORDER, EXPENSIVE);

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isFalse();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approval timed out");
        assertThat(INVENTORY.available("cars")).isEqualTo(before);
    }

    @Test
    void anOrderAtOrBelowTheThresholdNeedsNoApproval() throws Exception {
        // when
        String id = stack.client().scheduleNewWorkflow(OrderProcessingWorkflow.class,
                new OrderPayload("cars", OrderProcessingWorkflow.APPROVAL_THRESHOLD, 1));

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isTrue();
        assertThat(done.readCustomStatusAs(String.class)).isNull();
    }

    /** Starts an expensive order and returns once it waits for the manager. */
    private static String waitingOrder() {
        String id = stack.client().scheduleNewWorkflow(OrderProcessingWorkflow.class, EXPENSIVE);
        Await.until(ExampleStack.TIMEOUT, () -> stack.client().getInstanceState(id)
                        .map(state -> OrderProcessingWorkflow.WAITING_FOR_APPROVAL.equals(state.readCustomStatusAs(String.class)))
                        .orElse(false),
                () -> "order " + id + " to wait for approval");
        return id;
    }
}

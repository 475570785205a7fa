package io.gregor.examples.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.examples.order.OrderModel.ManagerApproval;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.testing.WorkflowTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order's approval step in its Dapr form, in the workflow test environment with the real
 * activities: an order above the threshold waits for {@code manager_approval} or the timeout
 * (which passes at once on the environment's clock); only an approval lets it through.
 */
class OrderApprovalTest {
    private static final OrderPayload EXPENSIVE = new OrderPayload("cars", 30_000, 2);
    private final Inventory inventory = Inventory.withDefaultStock();
    private final WorkflowTestEnvironment env = ExampleEnvironments.orders(inventory, Map.of());

    @AfterEach
    void close() {
        env.close();
    }

    @Test
    void anApprovedOrderAboveTheThresholdIsProcessed() {
        // given
        int before = inventory.available("cars");
        String id = waitingOrder();

        // when
        env.raiseEvent(id, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(true));

        // then
        WorkflowInstanceState done = env.waitForCompletion(id);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isTrue();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approved");
        assertThat(inventory.available("cars")).isEqualTo(before - EXPENSIVE.quantity());
    }

    @Test
    void aRejectedOrderIsNotProcessed() {
        // given
        int before = inventory.available("cars");
        String id = waitingOrder();

        // when
        env.raiseEvent(id, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(false));

        // then
        WorkflowInstanceState done = env.waitForCompletion(id);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isFalse();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("rejected");
        assertThat(inventory.available("cars")).isEqualTo(before);
    }

    @Test
    void anOrderNobodyApprovesInTimeIsNotProcessed() {
        // given
        int before = inventory.available("cars");

        // when
        WorkflowInstanceState done = env.waitForCompletion(env.start(OrderProcessingWorkflow.class, EXPENSIVE));

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(OrderResult.class).processed()).isFalse();
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approval timed out");
        assertThat(inventory.available("cars")).isEqualTo(before);
        assertThat(env.currentTime()).isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME.plus(OrderProcessingWorkflow.APPROVAL_TIMEOUT));
    }

    @Test
    void anOrderAtOrBelowTheThresholdNeedsNoApproval() {
        // when
        WorkflowInstanceState done = env.waitForCompletion(env.start(OrderProcessingWorkflow.class,
                new OrderPayload("cars", OrderProcessingWorkflow.APPROVAL_THRESHOLD, 1)));

        // then
        assertThat(done.readOutputAs(OrderResult.class).processed()).isTrue();
        assertThat(done.readCustomStatusAs(String.class)).isNull();
    }

    @Test
    void aPaymentServiceThatFailsForAMomentIsRetriedAndTheOrderGoesThrough() {
        // given: a card service that fails the first two attempts
        List<Integer> attempts = new ArrayList<>();
        try (WorkflowTestEnvironment flaky = ExampleEnvironments.orders(inventory, Map.of(ProcessPaymentActivity.NAME, ctx -> {
            attempts.add(ctx.getAttempt());
            if (ctx.getAttempt() < 3) {
                throw new IllegalStateException("Expected the card service to answer, but it timed out");
            }
            return null;
        }))) {
            // when
            WorkflowInstanceState done = flaky.waitForCompletion(flaky.start(OrderProcessingWorkflow.class, new OrderPayload("cars", 100, 1)));

            // then
            assertThat(done.readOutputAs(OrderResult.class).processed()).isTrue();
            assertThat(attempts).containsExactly(1, 2, 3);
            assertThat(flaky.currentTime()).as("the backoffs, 1 s then 2 s, passed on the clock")
                    .isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME.plus(Duration.ofSeconds(3)));
        }
    }

    @Test
    void aPaymentThatFailsEveryAttemptFailsTheOrderWithThePaymentsError() {
        try (WorkflowTestEnvironment declining = ExampleEnvironments.orders(inventory, Map.of(ProcessPaymentActivity.NAME, ctx -> {
            throw new IllegalStateException("Expected the card to be accepted, but it was declined");
        }))) {
            // when
            String id = declining.start(OrderProcessingWorkflow.class, new OrderPayload("cars", 100, 1));
            WorkflowInstanceState done = declining.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
            assertThat(done.getFailureDetails().errorMessage()).contains("it was declined");
            assertThat(declining.getHistory(id)).filteredOn(event -> ProcessPaymentActivity.NAME.equals(event.name()))
                    .hasSize(OrderProcessingWorkflow.PAYMENT_RETRIES.maxAttempts());
        }
    }

    /** Starts an expensive order, which waits for the manager when start returns. */
    private String waitingOrder() {
        String id = env.start(OrderProcessingWorkflow.class, EXPENSIVE);
        assertThat(env.getInstanceState(id).orElseThrow().readCustomStatusAs(String.class)).isEqualTo(OrderProcessingWorkflow.WAITING_FOR_APPROVAL);
        return id;
    }
}

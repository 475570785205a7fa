package io.gregor.examples.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.testkit.GregorInfrastructure;
import org.junit.jupiter.api.Test;

/** The main job, on a real broker and registry: an order of 10 cars completes and leaves 90. */
class OrderProcessingQuickstartTest {

    @Test
    void anOrderOfTenCarsIsProcessedAndLeavesNinetyInStock() throws Exception {
        GregorInfrastructure infra = GregorInfrastructure.shared();

        OrderProcessingQuickstart.Outcome outcome = OrderProcessingQuickstart.run(infra.bootstrapServers(), infra.schemaRegistryUrl(), false);

        assertThat(outcome.state().getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(outcome.state().getSerializedOutput()).isEqualTo("{\"processed\":true}");
        assertThat(outcome.state().readOutputAs(OrderResult.class).processed()).isTrue();
        assertThat(outcome.remainingCars()).isEqualTo(90);
        assertThat(outcome.succeeded()).isTrue();
    }
}

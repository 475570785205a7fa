package io.gregor.examples.order;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.order.OrderModel.ManagerApproval;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderModel.OrderResult;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.ActivityWorker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order-processing quickstart: starts a real Kafka broker and schema registry (unless
 * GREGOR_BOOTSTRAP_SERVERS / GREGOR_SCHEMA_REGISTRY_URL point at existing ones), an orchestrator
 * and a worker, orders 10 cars from a stock of 100, approves the order as its manager (the
 * {@code manager_approval} event, raised with the Java client), and prints each step as it
 * happens. Exits 0 when the order completed with {@code {"processed":true}} and 90 cars are left.
 *
 * <p>With {@code --client-only} it only schedules the order and waits (for a stack where the
 * orchestrator and workers run elsewhere, e.g. docker compose).
 */
public final class OrderProcessingQuickstart {
    private static final Logger LOG = LoggerFactory.getLogger("quickstart");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * What the run produced.
     *
     * @param state          the final state of the order's instance
     * @param remainingCars  cars left in stock, or -1 when the worker ran elsewhere
     */
    public record Outcome(WorkflowInstanceState state, int remainingCars) {
        /** @return true if the order completed, was processed and left 90 cars (when known) */
        public boolean succeeded() {
            return state.getRuntimeStatus() == WorkflowRuntimeStatus.COMPLETED && state.readOutputAs(OrderResult.class).processed()
                    && (remainingCars == -1 || remainingCars == 90);
        }
    }

    private OrderProcessingQuickstart() {
    }

    /** @param args {@code --client-only} to run only the client */
    public static void main(String[] args) throws Exception {
        boolean clientOnly = Arrays.asList(args).contains("--client-only");
        LOG.info("Starting Kafka and the schema registry (or using GREGOR_BOOTSTRAP_SERVERS / GREGOR_SCHEMA_REGISTRY_URL)...");
        GregorInfrastructure infra = GregorInfrastructure.shared();
        LOG.info("Kafka at {}, schema registry at {}", infra.bootstrapServers(), infra.schemaRegistryUrl());
        Outcome outcome = run(infra.bootstrapServers(), infra.schemaRegistryUrl(), clientOnly);
        LOG.info("Order {} is {} with output {}{}", outcome.state().getInstanceId(), outcome.state().getRuntimeStatus(),
                outcome.state().getSerializedOutput(), outcome.remainingCars() >= 0 ? "; " + outcome.remainingCars() + " cars left" : "");
        LOG.info(outcome.succeeded() ? "Quickstart succeeded." : "Quickstart FAILED: " + outcome.state());
        infra.close();
        System.exit(outcome.succeeded() ? 0 : 1);
    }

    /**
     * Runs the order end to end.
     *
     * @param bootstrapServers Kafka
     * @param registryUrl      schema registry
     * @param clientOnly       true to rely on an orchestrator and worker running elsewhere
     * @return what happened
     */
    public static Outcome run(String bootstrapServers, String registryUrl, boolean clientOnly) throws Exception {
        Inventory inventory = Inventory.withDefaultStock();
        GregorOrchestrator orchestrator = null;
        ActivityWorker worker = null;
        try (WorkflowClient client = WorkflowClient.builder().bootstrapServers(bootstrapServers).schemaRegistryUrl(registryUrl).build()) {
            if (!clientOnly) {
                orchestrator = OrderApps.orchestrator(bootstrapServers, registryUrl,
                        Files.createTempDirectory("gregor-quickstart-state").toString());
                orchestrator.start();
                worker = OrderApps.worker(bootstrapServers, registryUrl, inventory);
                worker.start();
                orchestrator.awaitRunning(TIMEOUT);
                LOG.info("Orchestrator and worker are running");
            }
            String orderId = "order-" + UUID.randomUUID().toString().substring(0, 8);
            OrderPayload order = new OrderPayload("cars", 15_000, 10);
            client.scheduleNewWorkflow(OrderProcessingWorkflow.class, order, orderId);
            LOG.info("Scheduled order {}: {} {} for ${}", orderId, order.quantity(), order.itemName(), order.totalCost());
            WorkflowInstanceState started = client.waitForInstanceStart(orderId, TIMEOUT);
            LOG.info("Order {} is {}", orderId, started.getRuntimeStatus());
            if (order.totalCost() > OrderProcessingWorkflow.APPROVAL_THRESHOLD) {
                // The manager's part: the workflow buffers the event if it is not waiting for it yet.
                client.raiseEvent(orderId, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(true));
                LOG.info("Raised '{}' with approval=true on order {}", OrderProcessingWorkflow.APPROVAL_EVENT, orderId);
            }
            WorkflowInstanceState done = client.waitForInstanceCompletion(orderId, TIMEOUT);
            return new Outcome(done, clientOnly ? -1 : inventory.available("cars"));
        } finally {
            if (worker != null) {
                worker.close();
            }
            if (orchestrator != null) {
                orchestrator.close();
            }
        }
    }
}

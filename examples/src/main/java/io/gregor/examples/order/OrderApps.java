package io.gregor.examples.order;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;

/** How the order example wires its orchestrator and its worker; shared by every way of running it. */
public final class OrderApps {
    private OrderApps() {
    }

    /**
     * @param bootstrapServers Kafka
     * @param registryUrl      schema registry
     * @param stateDir         Kafka Streams state directory, or null for the default
     * @return an orchestrator running the order workflow (not started)
     */
    public static GregorOrchestrator orchestrator(String bootstrapServers, String registryUrl, String stateDir) {
        return GregorOrchestrator.builder()
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(registryUrl)
                .stateDir(stateDir)
                .registerWorkflow(OrderProcessingWorkflow.class)
                .build();
    }

    /**
     * @param bootstrapServers Kafka
     * @param registryUrl      schema registry
     * @param inventory        the stock the activities use
     * @return a worker running the order activities (not started)
     */
    public static ActivityWorker worker(String bootstrapServers, String registryUrl, Inventory inventory) {
        return ActivityWorker.builder()
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(registryUrl)
                .registerActivity(NotifyActivity.NAME, new NotifyActivity())
                .registerActivity(ReserveInventoryActivity.NAME, new ReserveInventoryActivity(inventory))
                .registerActivity(RequestApprovalActivity.NAME, new RequestApprovalActivity())
                .registerActivity(ProcessPaymentActivity.NAME, new ProcessPaymentActivity())
                .registerActivity(UpdateInventoryActivity.NAME, new UpdateInventoryActivity(inventory))
                .build();
    }

    /** Blocks the calling thread until the JVM shuts down, closing {@code resource} on the way out. */
    static void runUntilShutdown(AutoCloseable resource) throws InterruptedException {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("Error while closing: " + e);
            }
            main.interrupt();
        }));
        Thread.currentThread().join();
    }
}

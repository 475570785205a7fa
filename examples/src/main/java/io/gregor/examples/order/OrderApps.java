package io.gregor.examples.order;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityWorker;
import java.util.LinkedHashMap;
import java.util.Map;

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
        GregorOrchestrator.Builder builder = GregorOrchestrator.builder()
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(registryUrl)
                .stateDir(stateDir)
                .registerWorkflow(OrderProcessingWorkflow.class);
        // The HTTP API's address, for containers: bind every interface and advertise the service name.
        String host = System.getenv("GREGOR_HTTP_HOST");
        if (host != null && !host.isBlank()) {
            builder.httpHost(host);
        }
        String port = System.getenv("GREGOR_HTTP_PORT");
        if (port != null && !port.isBlank()) {
            builder.httpPort(Integer.parseInt(port.trim()));
        }
        String advertised = System.getenv("GREGOR_HTTP_ADVERTISED_URL");
        if (advertised != null && !advertised.isBlank()) {
            builder.advertisedHttpUrl(advertised);
        }
        return builder.build();
    }

    /**
     * @param bootstrapServers Kafka
     * @param registryUrl      schema registry
     * @param inventory        the stock the activities use
     * @return a worker running the order activities (not started)
     */
    public static ActivityWorker worker(String bootstrapServers, String registryUrl, Inventory inventory) {
        return registerActivities(ActivityWorker.builder().bootstrapServers(bootstrapServers).schemaRegistryUrl(registryUrl),
                inventory).build();
    }

    /**
     * @param builder   a worker's builder
     * @param inventory the stock the activities use
     * @return the builder, with the order activities registered
     */
    public static ActivityWorker.Builder registerActivities(ActivityWorker.Builder builder, Inventory inventory) {
        activities(inventory).forEach(builder::registerActivity);
        return builder;
    }

    /**
     * @param inventory the stock the activities use
     * @return the order activities, by name (tests run them in a WorkflowTestEnvironment)
     */
    public static Map<String, Activity> activities(Inventory inventory) {
        Map<String, Activity> activities = new LinkedHashMap<>();
        activities.put(NotifyActivity.NAME, new NotifyActivity());
        activities.put(ReserveInventoryActivity.NAME, new ReserveInventoryActivity(inventory));
        activities.put(RequestApprovalActivity.NAME, new RequestApprovalActivity());
        activities.put(ProcessPaymentActivity.NAME, new ProcessPaymentActivity());
        activities.put(UpdateInventoryActivity.NAME, new UpdateInventoryActivity(inventory));
        return activities;
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

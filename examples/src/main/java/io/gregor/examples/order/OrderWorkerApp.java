package io.gregor.examples.order;

import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.ActivityWorker;

/**
 * The activity worker of the order example as a standalone process (the docker image runs it).
 * Reads GREGOR_BOOTSTRAP_SERVERS and GREGOR_SCHEMA_REGISTRY_URL, and GREGOR_METRICS_PORT (with
 * GREGOR_METRICS_HOST, default 127.0.0.1) to serve its Prometheus metrics (docs/metrics.md).
 */
public final class OrderWorkerApp {
    private OrderWorkerApp() {
    }

    /** @param args unused */
    public static void main(String[] args) throws Exception {
        GregorInfrastructure infra = GregorInfrastructure.shared();
        ActivityWorker.Builder builder = OrderApps.registerActivities(ActivityWorker.builder()
                .bootstrapServers(infra.bootstrapServers()).schemaRegistryUrl(infra.schemaRegistryUrl()), Inventory.withDefaultStock());
        String metricsPort = System.getenv("GREGOR_METRICS_PORT");
        if (metricsPort != null && !metricsPort.isBlank()) {
            builder.metricsPort(Integer.parseInt(metricsPort.strip()));
            String metricsHost = System.getenv("GREGOR_METRICS_HOST");
            if (metricsHost != null && !metricsHost.isBlank()) {
                builder.metricsHost(metricsHost.strip());
            }
        }
        ActivityWorker worker = builder.build();
        worker.start();
        OrderApps.runUntilShutdown(worker);
    }
}

package io.gregor.examples.order;

import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.ActivityWorker;

/**
 * The activity worker of the order example as a standalone process (the docker image runs it).
 * Reads GREGOR_BOOTSTRAP_SERVERS and GREGOR_SCHEMA_REGISTRY_URL.
 */
public final class OrderWorkerApp {
    private OrderWorkerApp() {
    }

    /** @param args unused */
    public static void main(String[] args) throws Exception {
        GregorInfrastructure infra = GregorInfrastructure.shared();
        ActivityWorker worker = OrderApps.worker(infra.bootstrapServers(), infra.schemaRegistryUrl(), Inventory.withDefaultStock());
        worker.start();
        OrderApps.runUntilShutdown(worker);
    }
}

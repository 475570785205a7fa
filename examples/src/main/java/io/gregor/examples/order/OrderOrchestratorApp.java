package io.gregor.examples.order;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.testkit.GregorInfrastructure;

/**
 * The orchestrator of the order example as a standalone process (the docker image runs it).
 * Reads GREGOR_BOOTSTRAP_SERVERS, GREGOR_SCHEMA_REGISTRY_URL and GREGOR_STATE_DIR; without the
 * first two it starts an embedded broker and registry.
 */
public final class OrderOrchestratorApp {
    private OrderOrchestratorApp() {
    }

    /** @param args unused */
    public static void main(String[] args) throws Exception {
        GregorInfrastructure infra = GregorInfrastructure.shared();
        GregorOrchestrator orchestrator = OrderApps.orchestrator(infra.bootstrapServers(), infra.schemaRegistryUrl(),
                System.getenv("GREGOR_STATE_DIR"));
        orchestrator.start();
        OrderApps.runUntilShutdown(orchestrator);
    }
}

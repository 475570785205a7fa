package io.gregor.examples;

import io.gregor.examples.order.Inventory;
import io.gregor.examples.order.OrderApps;
import io.gregor.examples.order.OrderProcessingWorkflow;
import io.gregor.examples.patterns.ApprovalWorkflow;
import io.gregor.examples.patterns.ChainingWorkflow;
import io.gregor.examples.patterns.FanOutFanInWorkflow;
import io.gregor.examples.patterns.MonitorWorkflow;
import io.gregor.examples.patterns.Patterns;
import io.gregor.examples.patterns.SagaWorkflow;
import io.gregor.examples.patterns.ShoppingCartWorkflow;
import io.gregor.testing.WorkflowReplayer;
import io.gregor.testing.WorkflowTestEnvironment;
import io.gregor.worker.Activity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The examples' workflows in a {@link WorkflowTestEnvironment} (no broker, time that jumps to the
 * next timer) with their real activities, any of which a test may replace by a stub.
 */
public final class ExampleEnvironments {

    private ExampleEnvironments() {
    }

    /** @return an environment of every example workflow with its real activities (the orders on a default stock) */
    public static WorkflowTestEnvironment all() {
        return with(Inventory.withDefaultStock(), Map.of()).build();
    }

    /**
     * @param stubs activities to run instead of the real ones of the same names
     * @return an environment of the pattern workflows
     */
    public static WorkflowTestEnvironment patterns(Map<String, Activity> stubs) {
        return with(Inventory.withDefaultStock(), stubs).build();
    }

    /**
     * @param inventory the stock the order activities use
     * @param stubs     activities to run instead of the real ones of the same names
     * @return an environment of the order workflow (and the patterns)
     */
    public static WorkflowTestEnvironment orders(Inventory inventory, Map<String, Activity> stubs) {
        return with(inventory, stubs).build();
    }

    private static WorkflowTestEnvironment.Builder with(Inventory inventory, Map<String, Activity> stubs) {
        WorkflowTestEnvironment.Builder builder = WorkflowTestEnvironment.builder().registerWorkflow(ChainingWorkflow.class)
                .registerWorkflow(FanOutFanInWorkflow.class).registerWorkflow(ApprovalWorkflow.class).registerWorkflow(MonitorWorkflow.class)
                .registerWorkflow(SagaWorkflow.class).registerWorkflow(ShoppingCartWorkflow.class).registerWorkflow(OrderProcessingWorkflow.class);
        Map<String, Activity> activities = new LinkedHashMap<>(Patterns.activities());
        activities.putAll(OrderApps.activities(inventory));
        activities.putAll(stubs);
        activities.forEach(builder::registerActivity);
        return builder;
    }

    /** @return a replayer of every example workflow, as the current code has them */
    public static WorkflowReplayer replayer() {
        return new WorkflowReplayer().registerWorkflow(ChainingWorkflow.class).registerWorkflow(FanOutFanInWorkflow.class)
                .registerWorkflow(ApprovalWorkflow.class).registerWorkflow(MonitorWorkflow.class).registerWorkflow(SagaWorkflow.class)
                .registerWorkflow(ShoppingCartWorkflow.class).registerWorkflow(OrderProcessingWorkflow.class);
    }
}

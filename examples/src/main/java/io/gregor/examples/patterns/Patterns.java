package io.gregor.examples.patterns;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityWorker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the pattern workflows on an orchestrator and their activities on a worker. */
public final class Patterns {
    private static final Logger LOG = LoggerFactory.getLogger(Patterns.class);

    private Patterns() {
    }

    /**
     * @param builder an orchestrator's builder
     * @return the builder, with every pattern workflow registered under its simple class name
     */
    public static GregorOrchestrator.Builder registerWorkflows(GregorOrchestrator.Builder builder) {
        return builder.registerWorkflow(ChainingWorkflow.class)
                .registerWorkflow(FanOutFanInWorkflow.class)
                .registerWorkflow(ApprovalWorkflow.class)
                .registerWorkflow(MonitorWorkflow.class)
                .registerWorkflow(SagaWorkflow.class)
                .registerWorkflow(ShoppingCartWorkflow.class);
    }

    /**
     * @param builder a worker's builder
     * @return the builder, with the activities of every pattern workflow registered
     */
    public static ActivityWorker.Builder registerActivities(ActivityWorker.Builder builder) {
        activities().forEach(builder::registerActivity);
        return builder;
    }

    /** @return the activities of every pattern workflow, by name (tests run them in a WorkflowTestEnvironment) */
    public static Map<String, Activity> activities() {
        Map<String, Activity> activities = new LinkedHashMap<>();
        activities.put(ChainingWorkflow.SAY_HELLO, ctx -> ChainingWorkflow.sayHello(ctx.getInput(ChainingWorkflow.Greeting.class)));
        activities.put(FanOutFanInWorkflow.COUNT_LETTERS, ctx -> ctx.getInput(String.class).length());
        activities.put(ApprovalWorkflow.REQUEST_APPROVAL, ctx -> {
            LOG.info("{}: instance {} waits for the event '{}'", ApprovalWorkflow.REQUEST_APPROVAL, ctx.getInput(String.class),
                    ApprovalWorkflow.EVENT);
            return null;
        });
        activities.put(MonitorWorkflow.CHECK_HEALTH, ctx -> "healthy");
        activities.put(SagaWorkflow.BOOK_CAR, ctx -> SagaWorkflow.bookCar(ctx.getInput(SagaWorkflow.Trip.class)));
        // A real shop would create the order in its database; the id only has to be stable across redeliveries.
        activities.put(ShoppingCartWorkflow.PLACE_ORDER, ctx -> "order-" + ctx.getInstanceId());
        for (String step : List.of(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.CANCEL_FLIGHT,
                SagaWorkflow.CANCEL_HOTEL)) {
            activities.put(step, ctx -> booking(step, ctx.getInput(SagaWorkflow.Trip.class)));
        }
        return activities;
    }

    private static String booking(String activity, SagaWorkflow.Trip trip) {
        LOG.info("{}: {} to {}", activity, trip.traveller(), trip.destination());
        return activity + " " + trip.destination();
    }
}

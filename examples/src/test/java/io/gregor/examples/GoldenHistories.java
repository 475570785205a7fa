package io.gregor.examples;

import io.gregor.examples.order.OrderModel.ManagerApproval;
import io.gregor.examples.order.OrderModel.OrderPayload;
import io.gregor.examples.order.OrderProcessingWorkflow;
import io.gregor.examples.patterns.ApprovalWorkflow;
import io.gregor.examples.patterns.ChainingWorkflow;
import io.gregor.examples.patterns.FanOutFanInWorkflow;
import io.gregor.examples.patterns.MonitorWorkflow;
import io.gregor.examples.patterns.SagaWorkflow;
import io.gregor.examples.patterns.ShoppingCartWorkflow;
import io.gregor.examples.patterns.ShoppingCartWorkflow.Command;
import io.gregor.testing.WorkflowTestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The runs whose histories are kept in {@value #DIRECTORY} as golden histories: one per path
 * through each example workflow. {@code GoldenHistoryTest} replays the files against the current
 * code, so a change that old instances could not replay fails the build.
 *
 * <p>The files are data: recorded once, then committed and left alone. Record them again only
 * when a change is meant to break old instances (and they are all drained), or to add a run:
 * <pre>
 * mvn -o -pl examples verify -Dtest=GoldenHistoryTest -Dgregor.histories.record=true
 * </pre>
 * or run {@link #main} from the examples directory. Each run is one instance in a fresh
 * {@link WorkflowTestEnvironment} with the real activities, so its file is the same on every recording.
 */
public final class GoldenHistories {
    /** Where the files are, relative to the examples module. */
    public static final String DIRECTORY = "src/test/resources/histories";
    /** The system property that makes GoldenHistoryTest record the files before replaying them. */
    public static final String RECORD_PROPERTY = "gregor.histories.record";

    private GoldenHistories() {
    }

    /** @return each run by file name (without .json): it starts one instance, drives it to its end and answers its id */
    static Map<String, Function<WorkflowTestEnvironment, String>> runs() {
        Map<String, Function<WorkflowTestEnvironment, String>> runs = new LinkedHashMap<>();
        runs.put("chaining", env -> env.start(ChainingWorkflow.class, "Hi!"));
        runs.put("fan-out-fan-in", env -> env.start(FanOutFanInWorkflow.class, null));
        runs.put("approval-approved", env -> {
            String id = env.start(ApprovalWorkflow.class, 3600);
            env.raiseEvent(id, ApprovalWorkflow.EVENT, "alice");
            return id;
        });
        runs.put("approval-timed-out", env -> env.start(ApprovalWorkflow.class, null));
        runs.put("monitor-last-check", env -> env.start(MonitorWorkflow.class, 1));
        runs.put("saga-booked", env -> env.start(SagaWorkflow.class, new SagaWorkflow.Trip("ada", "Paris")));
        runs.put("saga-compensated", env -> env.start(SagaWorkflow.class, new SagaWorkflow.Trip("ada", "Atlantis")));
        runs.put("shopping-cart-checkout", env -> {
            String id = env.start(ShoppingCartWorkflow.class, null);
            for (Command command : new Command[] {Command.add("apple", 2), Command.remove("apple", 1), Command.of(ShoppingCartWorkflow.Op.CHECKOUT)}) {
                env.raiseEvent(id, ShoppingCartWorkflow.EVENT, command);
            }
            return id;
        });
        runs.put("order-approved", env -> {
            String id = env.start(OrderProcessingWorkflow.class, new OrderPayload("cars", 30_000, 2));
            env.raiseEvent(id, OrderProcessingWorkflow.APPROVAL_EVENT, new ManagerApproval(true));
            return id;
        });
        return runs;
    }

    /**
     * Records every run into {@code directory}, one {@code <name>.json} each (the HTTP API's history export).
     *
     * @param directory where to write
     * @throws IOException if a file cannot be written
     */
    public static void record(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, Function<WorkflowTestEnvironment, String>> run : runs().entrySet()) {
            try (WorkflowTestEnvironment env = ExampleEnvironments.all()) {
                String id = run.getValue().apply(env);
                env.waitForCompletion(id);
                Files.writeString(directory.resolve(run.getKey() + ".json"), env.exportHistory(id), StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Records every run again.
     *
     * @param args the directory to write to; default {@value #DIRECTORY} (run from the examples module)
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : DIRECTORY);
        record(directory);
        System.out.println("Recorded " + runs().size() + " golden histories in " + directory.toAbsolutePath());
    }
}

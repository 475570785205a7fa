package io.gregor.loadtest.littlehorse;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.Scenario;
import io.littlehorse.sdk.common.proto.VariableValue;
import io.littlehorse.sdk.wfsdk.SpawnedThreads;
import io.littlehorse.sdk.wfsdk.WfRunVariable;
import io.littlehorse.sdk.wfsdk.Workflow;
import io.littlehorse.sdk.wfsdk.WorkflowThread;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The LittleHorse twins of the driver's workflows (../shared/RECIPES.md): {@code hello1} is one
 * echo task; {@code seq10} ten echo tasks one after the other, unrolled (ten task nodes, no loop
 * variable: the least work LittleHorse can do for it); {@code fan100} one child thread per
 * element of a 100-element list ({@code spawnThreadForEach}), each running the echo task, joined
 * by {@code waitForThreads}. Each ends by throwing the {@value #DONE_EVENT} workflow event, which
 * the driver awaits: it costs no extra hop, unlike polling the run's status.
 */
final class LittleHorseWorkflows {
    /** The WorkflowEventDef thrown as every workflow's last step. */
    static final String DONE_EVENT = "gregor-loadtest-done";
    /** The scenarios LittleHorse runs; the others need durable timers or per-step clocks it was not set up for. */
    static final Set<Scenario> SUPPORTED = Set.of(Scenario.HELLO1, Scenario.SEQ10, Scenario.FAN100);

    private static final String ITEMS = "items";
    private static final String FAN_OUT_THREAD = "echo-item";

    private LittleHorseWorkflows() {
    }

    /** @return the WfSpec name of a scenario */
    static String wfSpecName(Scenario scenario) {
        return "gregor-loadtest-" + scenario.id();
    }

    /**
     * @param scenario one of {@link #SUPPORTED}
     * @return its workflow, not yet registered
     */
    static Workflow workflow(Scenario scenario) {
        return switch (scenario) {
            case HELLO1 -> Workflow.newWorkflow(wfSpecName(scenario), wf -> sequence(wf, 1));
            case SEQ10 -> Workflow.newWorkflow(wfSpecName(scenario), wf -> sequence(wf, 10));
            case FAN100 -> Workflow.newWorkflow(wfSpecName(scenario), LittleHorseWorkflows::fanOut);
            default -> throw unsupported(scenario);
        };
    }

    /**
     * @param options the run's options; their scenario is one of {@link #SUPPORTED}
     * @return the variables every run starts with: the items of {@code fan100} (as many as Gregor's
     *         fan-out width), none otherwise
     */
    static Map<String, VariableValue> variables(DriverOptions options) {
        if (options.scenario() != Scenario.FAN100) {
            return Map.of();
        }
        int width = (Integer) options.scenario().input(options);
        String items = IntStream.range(0, width).mapToObj(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        return Map.of(ITEMS, VariableValue.newBuilder().setJsonArr(items).build());
    }

    /** @return why a scenario cannot run on LittleHorse */
    static IllegalArgumentException unsupported(Scenario scenario) {
        return new IllegalArgumentException("Expected a scenario LittleHorse runs (hello1, seq10, fan100), but found "
                + scenario.id());
    }

    private static void sequence(WorkflowThread wf, int steps) {
        for (int step = 0; step < steps; step++) {
            wf.execute(EchoTask.NAME, step);
        }
        done(wf);
    }

    private static void fanOut(WorkflowThread wf) {
        WfRunVariable items = wf.declareJsonArr(ITEMS).required();
        SpawnedThreads children = wf.spawnThreadForEach(items, FAN_OUT_THREAD, child -> {
            // Each child gets its element as the reserved input variable.
            WfRunVariable item = child.declareInt(WorkflowThread.HANDLER_INPUT_VAR);
            child.execute(EchoTask.NAME, item);
        });
        wf.waitForThreads(children);
        done(wf);
    }

    private static void done(WorkflowThread wf) {
        wf.throwEvent(DONE_EVENT, "done"); // its WorkflowEventDef: see Metadata
    }
}

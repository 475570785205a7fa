package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.ChildWorkflowOptions;
import io.gregor.client.workflow.Task;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Child workflows on a real broker and registry with four partitions: children's starts and ends
 * travel through the inbox between the partitions of parent and children.
 */
class ChildWorkflowIntegrationTest {
    private static final int CHILDREN = 20;
    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("children")
                .partitions(4)
                .workflow("Parent", () -> ctx -> {
                    List<Task<Integer>> children = IntStream.range(0, ctx.getInput(Integer.class))
                            .mapToObj(i -> ctx.callChildWorkflow("Square", i, Integer.class)).toList();
                    return ctx.allOf(children).await().stream().mapToInt(Integer::intValue).sum();
                })
                .workflow("Square", () -> ctx -> ctx.callActivity("Square", ctx.getInput(Integer.class), Integer.class).await())
                .activity("Square", ctx -> {
                    int n = ctx.getInput(Integer.class);
                    return n * n;
                })
                .workflow("Holder", () -> ctx -> {
                    ctx.callChildWorkflow("Waiter", null, ChildWorkflowOptions.defaults().withInstanceId(ctx.getInstanceId() + "-child"),
                            String.class);
                    return ctx.waitForExternalEvent("never", String.class).await();
                })
                .workflow("Waiter", () -> ctx -> ctx.waitForExternalEvent("never", String.class).await())
                .start();
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aParentCollectsTheResultsOfChildrenSpreadOverEveryPartition() throws Exception {
        // given children whose derived ids land on several partitions
        String id = app.newInstanceId("parent");
        Set<Integer> partitions = IntStream.range(0, CHILDREN).mapToObj(i -> app.partitionOf(id + ":" + i)).collect(Collectors.toSet());
        assertThat(partitions).as("partitions of the children").hasSizeGreaterThan(1);

        // when
        app.client().scheduleNewWorkflow("Parent", CHILDREN, id);
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

        // then
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(Integer.class)).isEqualTo(IntStream.range(0, CHILDREN).map(i -> i * i).sum());
        assertThat(app.completions(id + ":" + (CHILDREN - 1))).hasSize(1);
    }

    @Test
    void terminatingAParentTerminatesItsRunningChild() throws Exception {
        // given a parent whose child waits, on whichever partition its id hashes to
        String id = app.newInstanceId("holder");
        String child = id + "-child";
        app.client().scheduleNewWorkflow("Holder", null, id);
        app.client().waitForInstanceStart(child, TIMEOUT);

        // when
        app.awaitProcessed(app.produce(app.topics().control(), id, new WorkflowControl(id, new TerminateWorkflow("stop", null, true))));

        // then
        assertThat(app.client().waitForInstanceCompletion(child, TIMEOUT).getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.TERMINATED);
        assertThat(app.client().waitForInstanceCompletion(id, TIMEOUT).getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.TERMINATED);
    }
}

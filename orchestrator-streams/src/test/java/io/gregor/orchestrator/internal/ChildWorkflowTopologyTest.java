package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.JSON;
import static io.gregor.orchestrator.internal.TopologyFixture.outputOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.ChildWorkflowOptions;
import io.gregor.client.workflow.ParentClosePolicy;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Child workflows through the topology: starts and ends travel through the inbox; retries, parent-close policy, recursion. */
class ChildWorkflowTopologyTest {
    private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ofSeconds(1), 1.0, null, null, Set.of());
    private TopologyFixture gregor;

    @BeforeEach
    void startDriver() {
        WorkflowRegistry workflows = new WorkflowRegistry();
        workflows.register("Double", () -> ctx -> 2 * ctx.getInput(Integer.class));
        workflows.register("FanOut", () -> ctx -> {
            List<Task<Integer>> children = IntStream.range(0, ctx.getInput(Integer.class))
                    .mapToObj(i -> ctx.callChildWorkflow("Double", i, Integer.class)).toList();
            return ctx.allOf(children).await().stream().mapToInt(Integer::intValue).sum();
        });
        workflows.register("AlwaysFails", () -> ctx -> {
            throw new IllegalStateException("child " + ctx.getInstanceId() + " failed");
        });
        // Succeeds from its second attempt on: retried children get the ids <base>#<attempt>.
        workflows.register("FailsFirst", () -> ctx -> {
            if (!ctx.getInstanceId().contains("#")) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok as " + ctx.getInstanceId();
        });
        workflows.register("Retrying", () -> ctx -> {
            ChildWorkflowOptions options = ChildWorkflowOptions.defaults().withInstanceId("kid").withRetryPolicy(THREE_ATTEMPTS);
            try {
                return ctx.callChildWorkflow(ctx.getInput(String.class), null, options, String.class).await();
            } catch (TaskFailedException e) {
                return "gave up: " + e.getFailureDetails().errorType() + ": " + e.getFailureDetails().errorMessage();
            }
        });
        workflows.register("Waiter", () -> ctx -> ctx.waitForExternalEvent("go", String.class).await());
        workflows.register("TwoWaiters", () -> ctx -> {
            ctx.callChildWorkflow("Waiter", null, ChildWorkflowOptions.defaults().withInstanceId(ctx.getInstanceId() + "-kept"), String.class);
            ctx.callChildWorkflow("Waiter", null, ChildWorkflowOptions.defaults().withInstanceId(ctx.getInstanceId() + "-abandoned")
                    .withParentClosePolicy(ParentClosePolicy.ABANDON), String.class);
            return ctx.waitForExternalEvent("done", String.class).await();
        });
        workflows.register("GivesUp", () -> ctx -> {
            Task<String> child = ctx.callChildWorkflow("Waiter", null, ChildWorkflowOptions.defaults().withInstanceId(ctx.getInstanceId() + "-kid"),
                    String.class);
            ctx.waitForExternalEvent("enough", String.class).await();
            child.cancel();
            return ctx.waitForExternalEvent("done", String.class).await();
        });
        workflows.register("Catching", () -> ctx -> {
            try {
                return ctx.callChildWorkflow(ctx.getInput(String.class), null, ChildWorkflowOptions.defaults().withInstanceId("c"), String.class)
                        .await();
            } catch (TaskFailedException e) {
                return e.getTaskName() + " failed: " + e.getFailureDetails().errorType();
            }
        });
        gregor = new TopologyFixture(workflows, 100, Retention.NONE);
    }

    @AfterEach
    void close() {
        gregor.close();
    }

    private Map<String, WorkflowCompletion> completionsById() {
        return gregor.completions.readValuesToList().stream()
                .collect(Collectors.toMap(c -> c.getInstanceId().toString(), Function.identity()));
    }

    private RuntimeStatus statusOf(String id) {
        return gregor.instance(id).getStatus();
    }

    @Test
    void aParentWithFiftyChildrenCompletesWithAllTheirResults() {
        // when
        gregor.start("fan", "FanOut", 50);

        // then every child ran as its own instance under a derived id, and the parent summed their outputs
        Map<String, WorkflowCompletion> completions = completionsById();
        assertThat(completions).hasSize(51);
        assertThat(JSON.deserialize(completions.get("fan").getOutput(), Integer.class)).isEqualTo(2 * IntStream.range(0, 50).sum());
        assertThat(completions.get("fan:0").getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(gregor.instance("fan:49").getParentInstanceId()).isEqualTo("fan");
        assertThat(gregor.instance("fan").getParentInstanceId()).isNull();
    }

    @Test
    void aFailingChildIsRetriedPerPolicyThenSurfacesAsTaskFailedWithTheChildsFailure() {
        // when the child fails on every attempt, the backoff timers coming due one after the other
        gregor.start("parent-1", "Retrying", "AlwaysFails");
        gregor.driver.advanceWallClockTime(Duration.ofSeconds(1));
        gregor.driver.advanceWallClockTime(Duration.ofSeconds(1));

        // then three attempts ran as kid, kid#2, kid#3, and the parent saw the last one's failure
        Map<String, WorkflowCompletion> completions = completionsById();
        assertThat(completions.keySet()).containsExactlyInAnyOrder("kid", "kid#2", "kid#3", "parent-1");
        assertThat(outputOf(completions.get("parent-1"))).isEqualTo("gave up: java.lang.IllegalStateException: child kid#3 failed");
        assertThat(gregor.history("parent-1").stream().map(HistoryEvent::getEvent).filter(ChildWorkflowFailed.class::isInstance)).hasSize(3);
    }

    @Test
    void aChildThatFailsOnceSucceedsOnItsSecondAttempt() {
        gregor.start("parent-2", "Retrying", "FailsFirst");
        gregor.driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(outputOf(completionsById().get("parent-2"))).isEqualTo("ok as kid#2");
    }

    @Test
    void terminatingAParentTerminatesItsTerminateChildrenAndLeavesItsAbandonChildren() {
        // given a parent with two running children, one of them abandoned on close
        gregor.start("p", "TwoWaiters", null);
        assertThat(statusOf("p-kept")).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(statusOf("p-abandoned")).isEqualTo(RuntimeStatus.RUNNING);

        // when
        gregor.control("p", new TerminateWorkflow("stop", null, true));

        // then
        assertThat(statusOf("p")).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(statusOf("p-kept")).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(statusOf("p-abandoned")).isEqualTo(RuntimeStatus.RUNNING);
    }

    @Test
    void cancelingAChildTerminatesItAndItsEndNoticeIsNotRecordedInTheParent() {
        gregor.start("g", "GivesUp", null);
        assertThat(statusOf("g-kid")).isEqualTo(RuntimeStatus.RUNNING);

        gregor.raise("g", "enough", "x");

        assertThat(statusOf("g-kid")).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(gregor.instance("g-kid").getOutput()).isNull();
        assertThat(statusOf("g")).isEqualTo(RuntimeStatus.RUNNING);
        List<String> parentHistory = gregor.history("g").stream().map(e -> e.getEvent().getClass().getSimpleName()).toList();
        assertThat(parentHistory).as("the child's end, reported after the cancellation, completes nothing")
                .endsWith("EventRaised", "TaskCancelRequested").doesNotContain("ChildWorkflowFailed", "ChildWorkflowCompleted");

        gregor.raise("g", "done", "fine");
        assertThat(statusOf("g")).isEqualTo(RuntimeStatus.COMPLETED);
    }

    @Test
    void aNonRecursiveTerminateLeavesEveryChildRunning() {
        gregor.start("q", "TwoWaiters", null);

        gregor.control("q", new TerminateWorkflow("stop", null, false));

        assertThat(statusOf("q")).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(statusOf("q-kept")).isEqualTo(RuntimeStatus.RUNNING);
    }

    @Test
    void aParentThatCompletesTerminatesItsRunningChildrenAndARecursivePurgeDeletesThem() {
        // given a parent that completes while its children still wait
        gregor.start("r", "TwoWaiters", null);
        gregor.raise("r-abandoned", "go", "x");
        gregor.raise("r", "done", "finished");
        assertThat(statusOf("r")).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(statusOf("r-kept")).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(statusOf("r-abandoned")).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(gregor.history("r").stream().map(HistoryEvent::getEvent).filter(ChildWorkflowScheduled.class::isInstance)).hasSize(2);

        // when
        gregor.control("r", new PurgeWorkflow(true));

        // then
        assertThat(gregor.instance("r")).isNull();
        assertThat(gregor.instance("r-kept")).isNull();
        assertThat(gregor.instance("r-abandoned")).isNull();
        assertThat(gregor.history("r-kept")).isEmpty();
    }

    @Test
    void aChildOfAnUnregisteredWorkflowFailsItsTask() {
        gregor.start("parent-3", "Catching", "NoSuchWorkflow");

        assertThat(outputOf(completionsById().get("parent-3"))).isEqualTo("NoSuchWorkflow failed: io.gregor.WorkflowNotRegistered");
    }

    @Test
    void aTerminatedChildFailsItsTask() {
        gregor.start("parent-4", "Catching", "Waiter");

        gregor.control("c", new TerminateWorkflow("operator", null, true));

        assertThat(outputOf(completionsById().get("parent-4"))).isEqualTo("Waiter failed: io.gregor.ChildWorkflowTerminated");
    }

    @Test
    void aChildWhoseIdIsTakenFailsItsTaskInsteadOfLeavingTheParentWaiting() {
        gregor.start("c", "Waiter", null);

        gregor.start("parent-5", "Catching", "Waiter");

        assertThat(outputOf(completionsById().get("parent-5"))).isEqualTo("Waiter failed: io.gregor.ChildStartRefused");
    }
}

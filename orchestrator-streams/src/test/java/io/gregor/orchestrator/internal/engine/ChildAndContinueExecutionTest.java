package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.ChildWorkflowOptions;
import io.gregor.client.workflow.ParentClosePolicy;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command.CompleteWorkflow;
import io.gregor.orchestrator.internal.engine.Command.ContinueAsNew;
import io.gregor.orchestrator.internal.engine.Command.ScheduleChild;
import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.WorkflowContinuedAsNew;
import io.gregor.schemas.avro.WorkflowStarted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Child workflow calls and continue-as-new in the engine: commands issued, results fed, replay checked. */
class ChildAndContinueExecutionTest {
    private static final long T0 = 1_700_000_000_000L;
    @RegisterExtension
    final Executions executions = new Executions();



    static final Workflow PARENT = ctx -> {
        String result;
        try {
            result = ctx.callChildWorkflow("Child", ctx.getInput(String.class), String.class).await();
        } catch (TaskFailedException e) {
            result = "failed " + e.getTaskName() + ": " + e.getFailureDetails().errorMessage();
        }
        return result;
    };

    private static ChildWorkflowScheduled scheduled(int taskId, String name, String instanceId) {
        return new ChildWorkflowScheduled(taskId, name, instanceId, JSON.serialize("in"), 1, io.gregor.schemas.avro.ParentClosePolicy.TERMINATE);
    }

    private static String output(List<Command> commands) {
        return JSON.deserialize(((CompleteWorkflow) commands.getLast()).output(), String.class);
    }

    @Test
    void aChildCallSchedulesTheChildUnderAnIdDerivedFromTheParentAndSequenceId() {
        WorkflowExecution e = executions.of(PARENT);

        List<Command> commands = e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in")))));

        assertThat(commands).containsExactly(new ScheduleChild(0, "Child", "wf-1:0", JSON.serialize("in"), 1,
                io.gregor.schemas.avro.ParentClosePolicy.TERMINATE));
        assertThat(e.openChildren()).extracting(ScheduleChild::instanceId).containsExactly("wf-1:0");
    }

    @Test
    void theChildsCompletionCompletesTheTaskAndOnlyItsOwnInstancesNoticeIsAccepted() {
        WorkflowExecution e = executions.of(PARENT);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in")))));

        assertThat(e.accepts(new ChildWorkflowCompleted(0, "someone-else", null))).isFalse();
        List<Command> commands = e.apply(List.of(input(T0 + 1, new ChildWorkflowCompleted(0, "wf-1:0", JSON.serialize("out")))));

        assertThat(output(commands)).isEqualTo("out");
        assertThat(e.accepts(new ChildWorkflowCompleted(0, "wf-1:0", null))).as("a duplicate").isFalse();
    }

    @Test
    void aChildsFailureSurfacesAsTaskFailedExceptionWithTheChildsDetails() {
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").add(scheduled(0, "Child", "wf-1:0")).events();
        WorkflowExecution e = executions.of(PARENT);
        e.replay(past);

        List<Command> commands = e.apply(List.of(input(T0 + 1, new ChildWorkflowFailed(0, "wf-1:0",
                new FailureDetails("java.lang.IllegalStateException", "boom", null, false)))));

        assertThat(output(commands)).isEqualTo("failed Child: boom");
    }

    @Test
    void replayingAHistoryWithChildEventsRebuildsTheSameState() {
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").add(scheduled(0, "Child", "wf-1:0"))
                .add(new ChildWorkflowCompleted(0, "wf-1:0", JSON.serialize("out"))).add(new io.gregor.schemas.avro.WorkflowCompleted(
                        JSON.serialize("out"))).events();
        WorkflowExecution e = executions.of(PARENT);

        e.replay(past);

        assertThat(e.isEnded()).isTrue();
        assertThat(e.historyLength()).isEqualTo(past.size());
    }

    @Test
    void aChangedChildWorkflowNameIsANonDeterminismError() {
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").add(scheduled(0, "OldChild", "wf-1:0")).events();
        WorkflowExecution e = executions.of(PARENT);

        assertThatThrownBy(() -> e.replay(past))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("ChildWorkflowScheduled(id=0, workflow='OldChild'")
                .hasMessageContaining("ScheduleChild(id=0, workflow='Child'");
    }

    @Test
    void optionsGiveTheChildIdAndParentClosePolicy() {
        WorkflowExecution e = executions.of(ctx -> ctx.callChildWorkflow("Child", null, ChildWorkflowOptions.defaults().withInstanceId("kid")
                .withParentClosePolicy(ParentClosePolicy.ABANDON), String.class).await());

        List<Command> commands = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        assertThat(commands).containsExactly(new ScheduleChild(0, "Child", "kid", JSON.serialize(null), 1,
                io.gregor.schemas.avro.ParentClosePolicy.ABANDON));
    }

    @Test
    void continueAsNewEndsTheGenerationCarryingTheUnconsumedEventsInArrivalOrder() {
        WorkflowExecution e = executions.of(ctx -> {
            ctx.waitForExternalEvent("go", String.class).await();
            ctx.continueAsNew("next");
            return "unreachable";
        });
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> commands = e.apply(List.of(input(T0 + 1, new EventRaised("b", JSON.serialize("1"))),
                input(T0 + 1, new EventRaised("a", JSON.serialize("2"))), input(T0 + 1, new EventRaised("go", null))));

        ContinueAsNew continued = (ContinueAsNew) commands.getLast();
        assertThat(commands).hasSize(1);
        assertThat(JSON.deserialize(continued.input(), String.class)).isEqualTo("next");
        assertThat(continued.carried()).extracting(EventRaised::getName).containsExactly("b", "a");
        assertThat(continued.toEvent()).isInstanceOf(WorkflowContinuedAsNew.class);
        assertThat(e.isEnded()).isTrue();
    }

    @Test
    void eventsFedAfterTheCodeContinuedInTheSameStepAreCarriedEvenIfAnAbandonedWaiterAsksForThem() {
        WorkflowExecution e = executions.of(ctx -> {
            ctx.waitForExternalEvent("late", String.class); // never awaited: the code continues first
            ctx.waitForExternalEvent("go", String.class).await();
            ctx.continueAsNew("next");
            return "unreachable";
        });
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        // as a resume feeds the inputs held while suspended: the code continues at the first, the others follow
        List<Command> commands = e.apply(List.of(input(T0 + 1, new EventRaised("go", null)),
                input(T0 + 1, new EventRaised("late", JSON.serialize("1"))), input(T0 + 1, new EventRaised("b", JSON.serialize("2")))));

        assertThat(((ContinueAsNew) commands.getLast()).carried()).extracting(EventRaised::getName).containsExactly("late", "b");
    }

    @Test
    void continueAsNewIsNotSwallowedByCodeCatchingExceptions() {
        WorkflowExecution e = executions.of(ctx -> {
            try {
                ctx.continueAsNew(1, false);
            } catch (Exception swallowed) {
                return "swallowed";
            }
            return "returned";
        });

        List<Command> commands = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        assertThat(commands).singleElement().isInstanceOf(ContinueAsNew.class);
    }
}

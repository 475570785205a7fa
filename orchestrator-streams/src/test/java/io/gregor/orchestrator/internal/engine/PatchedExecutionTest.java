package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command.CompleteWorkflow;
import io.gregor.orchestrator.internal.engine.Command.RecordPatch;
import io.gregor.orchestrator.internal.engine.Command.ScheduleTask;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.WorkflowPatched;
import io.gregor.schemas.avro.WorkflowStarted;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Versioning: code guarded by isPatched changes while instances are in flight. */
class PatchedExecutionTest {
    private static final long T0 = 1_700_000_000_000L;
    @RegisterExtension
    final Executions executions = new Executions();

    /** Version 1: A then B. */
    static final Workflow V1 = ctx -> {
        String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
        return a + "+" + ctx.callActivity("B", a, String.class).await();
    };

    /** Version 2: A, then a new step Audit guarded by a patch, then B. */
    static final Workflow V2 = ctx -> {
        String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
        if (ctx.isPatched("audit")) {
            ctx.callActivity("Audit", a, Void.class).await();
        }
        return a + "+" + ctx.callActivity("B", a, String.class).await();
    };

    /** Version 3: the guard removed once no version-1 instance is left; the new step stays. */
    static final Workflow V3 = ctx -> {
        String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
        ctx.callActivity("Audit", a, Void.class).await();
        return a + "+" + ctx.callActivity("B", a, String.class).await();
    };

    /** A v1 instance that completed A and is waiting for B. */
    private static History v1WaitingForB() {
        return History.startingAt(T0).started("Order", "in").scheduled(0, "A", "in").completed(0, "a").scheduled(1, "B", "a");
    }

    @Test
    void anInstanceThatPassedTheChangeBeforeItWasDeployedReplaysTheOldBranch() {
        WorkflowExecution e = executions.of(V2);

        e.replay(v1WaitingForB().events());
        List<Command> commands = e.apply(List.of(input(T0 + 5, new TaskCompleted(1, JSON.serialize("b")))));

        assertThat(commands).singleElement().isInstanceOf(CompleteWorkflow.class);
        assertThat(JSON.deserialize(((CompleteWorkflow) commands.getFirst()).output(), String.class)).isEqualTo("a+b");
    }

    @Test
    void aNewInstanceTakesTheNewBranchAndRecordsThePatchBeforeTheCommandsItGuards() {
        WorkflowExecution e = executions.of(V2);
        e.apply(List.of(input(T0, new WorkflowStarted("Order", JSON.serialize("in")))));

        List<Command> commands = e.apply(List.of(input(T0 + 1, new TaskCompleted(0, JSON.serialize("a")))));

        assertThat(commands).containsExactly(new RecordPatch("audit"), new ScheduleTask(1, "Audit", JSON.serialize("a"), 1));
        assertThat(e.historyLength()).isEqualTo(5);
    }

    @Test
    void aPatchedInstanceReplaysTheNewBranchFromItsHistory() {
        History recorded = History.startingAt(T0).started("Order", "in").scheduled(0, "A", "in").completed(0, "a")
                .add(new WorkflowPatched("audit")).scheduled(1, "Audit", "a");
        WorkflowExecution e = executions.of(V2);

        e.replay(recorded.events());
        List<Command> commands = e.apply(List.of(input(T0 + 5, new TaskCompleted(1, null))));

        assertThat(commands).containsExactly(new ScheduleTask(2, "B", JSON.serialize("a"), 1));
    }

    @Test
    void removingTheGuardLaterKeepsPatchedHistoriesValid() {
        History recorded = History.startingAt(T0).started("Order", "in").scheduled(0, "A", "in").completed(0, "a")
                .add(new WorkflowPatched("audit")).scheduled(1, "Audit", "a").completed(1, null).scheduled(2, "B", "a");
        WorkflowExecution e = executions.of(V3);

        e.replay(recorded.events());
        List<Command> commands = e.apply(List.of(input(T0 + 5, new TaskCompleted(2, JSON.serialize("b")))));

        assertThat(commands).singleElement().isInstanceOf(CompleteWorkflow.class);
    }

    @Test
    void theAnswerForAChangeIdNeverChangesWithinARun() {
        Workflow askedTwice = ctx -> {
            ctx.callActivity("A", null, String.class).await();
            boolean first = ctx.isPatched("x");
            ctx.callActivity("B", null, String.class).await();
            return first + "/" + ctx.isPatched("x");
        };
        // The instance passed the first guard before the change: both answers are the old branch's, even live.
        List<HistoryEvent> past = History.startingAt(T0).started("W", null).scheduled(0, "A", null).completed(0, "a")
                .scheduled(1, "B", null).events();
        WorkflowExecution e = executions.of(askedTwice);

        e.replay(past);
        List<Command> commands = e.apply(List.of(input(T0 + 5, new TaskCompleted(1, JSON.serialize("b")))));

        assertThat(JSON.deserialize(((CompleteWorkflow) commands.getLast()).output(), String.class)).isEqualTo("false/false");
        assertThat(commands).noneMatch(RecordPatch.class::isInstance);
    }

    @Test
    void anUnguardedChangeIsANonDeterminismErrorThatNamesTheInstanceWorkflowSequenceIdBothCommandsAndTheRemedy() {
        WorkflowExecution e = executions.of(V3);

        assertThatThrownBy(() -> e.replay(v1WaitingForB().events()))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("instance wf-1 of workflow Test")
                .hasMessageContaining("at sequence id 1 expected TaskScheduled(id=1, activity='B') (from history)")
                .hasMessageContaining("but the code issued ScheduleTask(id=1, activity='Audit'")
                .hasMessageContaining("guard the change with ctx.isPatched(changeId)");
    }

    @Test
    void aNonDeterminismErrorNamesTheChangesTheCodeAskedAbout() {
        Workflow wrongGuard = ctx -> {
            String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
            if (!ctx.isPatched("audit")) {
                ctx.callActivity("Audit", a, Void.class).await();
            }
            return ctx.callActivity("B", a, String.class).await();
        };
        WorkflowExecution e = executions.of(wrongGuard);

        assertThatThrownBy(() -> e.replay(v1WaitingForB().events()))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("The code asked isPatched of {audit=false}");
    }
}

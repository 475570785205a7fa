package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.ChildWorkflowOptions;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command.CancelTask;
import io.gregor.orchestrator.internal.engine.Command.CancelTimer;
import io.gregor.orchestrator.internal.engine.Command.CompleteWorkflow;
import io.gregor.orchestrator.internal.engine.Command.CreateTimer;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowResumed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowSuspended;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Task.cancel(): what the code observes, the commands it records, and that replay decides it at the same point. */
class CancelExecutionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Payload IN = JSON.serialize("in");
    @RegisterExtension
    final Executions executions = new Executions();

    /** Races two activities and cancels the loser: the pattern Task.cancel() is for. */
    static final Workflow RACE = ctx -> {
        Task<String> fast = ctx.callActivity("Fast", null, String.class);
        Task<String> slow = ctx.callActivity("Slow", null, String.class);
        Task<?> first = ctx.anyOf(List.of(fast, slow)).await();
        boolean canceled = (first == fast ? slow : fast).cancel();
        try {
            slow.await();
            return "slow awaited";
        } catch (TaskCanceledException e) {
            return first == fast ? "fast won, " + e.reason() + " " + canceled + ": " + e.getMessage() : "slow won";
        }
    };

    private static List<Command> step(WorkflowExecution e, History history, long at, Object input) {
        HistoryEvent event = input(at, input);
        history.at(at).add(event.getEvent());
        List<Command> commands = e.apply(List.of(event));
        history.record(commands);
        return commands;
    }

    @Test
    void aCanceledActivityFailsAtOnceForTheCodeAndItsCancellationIsRecordedAfterTheStepsCommands() {
        WorkflowExecution e = executions.of(RACE);
        History history = History.startingAt(T0);
        step(e, history, T0, new WorkflowStarted("Test", IN));

        List<Command> commands = step(e, history, T0 + 1, new TaskCompleted(0, JSON.serialize("won")));

        assertThat(commands).hasSize(2);
        assertThat(commands.getFirst()).isEqualTo(new CancelTask(1, "Slow", 1, null));
        assertThat(commands.getLast()).isInstanceOfSatisfying(CompleteWorkflow.class, c -> assertThat(JSON.deserialize(c.output(), String.class))
                .isEqualTo("fast won, CANCELED true: Canceled by the code of instance wf-1"));
        assertThat(e.openActivities()).as("nothing left for the end to cancel again").isEmpty();
    }

    @Test
    void aResultOfACanceledActivityIsRefused() {
        Workflow waitsLonger = ctx -> {
            Task<String> slow = ctx.callActivity("Slow", null, String.class);
            ctx.createTimer(Duration.ofMinutes(1)).await();
            slow.cancel();
            return ctx.waitForExternalEvent("Done", String.class).await();
        };
        WorkflowExecution e = executions.of(waitsLonger);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));

        List<Command> commands = e.apply(List.of(input(T0 + 60_000, new TimerFired(1, Instant.ofEpochMilli(T0 + 60_000)))));

        assertThat(commands).containsExactly(new CancelTask(0, "Slow", 1, null));
        assertThat(e.accepts(new TaskCompleted(0, JSON.serialize("late")))).isFalse();
        assertThat(e.accepts(new TaskFailed(0, new FailureDetails("x", "late", null, false), null))).isFalse();
    }

    @Test
    void replayReachesTheSameCancellationAndCodeThatNoLongerCancelsIsNonDeterministic() {
        WorkflowExecution live = executions.of(RACE);
        History history = History.startingAt(T0);
        step(live, history, T0, new WorkflowStarted("Test", IN));
        step(live, history, T0 + 1, new TaskCompleted(0, JSON.serialize("won")));

        WorkflowExecution replayed = executions.of(RACE);
        replayed.replay(history.events());
        assertThat(replayed.isEnded()).isTrue();

        Workflow keepsTheLoser = ctx -> {
            Task<String> fast = ctx.callActivity("Fast", null, String.class);
            Task<String> slow = ctx.callActivity("Slow", null, String.class);
            ctx.anyOf(List.of(fast, slow)).await();
            return "done";
        };
        assertThatThrownBy(() -> executions.of(keepsTheLoser).replay(history.events()))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("history has TaskCancelRequested(id=1), but the code did not cancel task 1");
    }

    @Test
    void cancelingAnActivityWaitingForItsRetryCancelsTheBackoffTimerAndNoAttemptFollows() {
        Workflow retrying = ctx -> {
            Task<String> charge = ctx.callActivity("Charge", null, TaskOptions.withRetryPolicy(RetryPolicy.of(5, Duration.ofMinutes(1))), String.class);
            ctx.waitForExternalEvent("Stop", String.class).await();
            return String.valueOf(charge.cancel());
        };
        WorkflowExecution e = executions.of(retrying);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));
        assertThat(e.apply(List.of(input(T0 + 1, new TaskFailed(0, new FailureDetails("java.io.IOException", "flaky", null, false), null)))))
                .containsExactly(new CreateTimer(1, T0 + 60_001));

        List<Command> commands = e.apply(List.of(input(T0 + 2, new EventRaised("Stop", null))));

        assertThat(commands).hasSize(2);
        assertThat(commands.getFirst()).isEqualTo(new CancelTimer(1, T0 + 60_001));
        assertThat(JSON.deserialize(((CompleteWorkflow) commands.getLast()).output(), String.class)).isEqualTo("true");
        assertThat(e.accepts(new TimerFired(1, Instant.ofEpochMilli(T0 + 60_001)))).isFalse();
    }

    @Test
    void cancelingAChildRecordsItsCancellationWithTheChildsInstanceId() {
        Workflow parent = ctx -> {
            Task<String> child = ctx.callChildWorkflow("Report", null, ChildWorkflowOptions.defaults(), String.class);
            ctx.waitForExternalEvent("Stop", String.class).await();
            child.cancel();
            try {
                return child.await();
            } catch (TaskCanceledException e) {
                return "canceled";
            }
        };
        WorkflowExecution e = executions.of(parent);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));

        List<Command> commands = e.apply(List.of(input(T0 + 1, new EventRaised("Stop", null))));

        assertThat(commands.getFirst()).isEqualTo(new CancelTask(0, "Report", 0, "wf-1:0"));
        assertThat(e.openChildren()).isEmpty();
    }

    @Test
    void cancelingATimerTakesItOutOfTheStoreAndAnEventWaitLeavesTheEventForTheNextWait() {
        Workflow gives = ctx -> {
            Task<Void> reminder = ctx.createTimer(Duration.ofHours(1));
            Task<String> approval = ctx.waitForExternalEvent("Approval", String.class);
            ctx.waitForExternalEvent("Go", String.class).await();
            reminder.cancel();
            approval.cancel();
            String outcome = approval.isFailed() + "/" + reminder.isFailed();
            return outcome + "/" + ctx.waitForExternalEvent("Approval", String.class).await();
        };
        WorkflowExecution e = executions.of(gives);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));

        assertThat(e.apply(List.of(input(T0 + 1, new EventRaised("Go", null))))).containsExactly(new CancelTimer(0, T0 + 3_600_000));
        List<Command> done = e.apply(List.of(input(T0 + 2, new EventRaised("Approval", JSON.serialize("yes")))));

        assertThat(JSON.deserialize(((CompleteWorkflow) done.getLast()).output(), String.class)).isEqualTo("true/true/yes");
        assertThat(e.openTimers()).isEmpty();
    }

    @Test
    void cancelingAnAllOfCancelsWhatItWaitsOnAndATaskAlreadyDoneStaysDone() {
        Workflow batch = ctx -> {
            Task<String> a = ctx.callActivity("A", null, String.class);
            Task<String> b = ctx.callActivity("B", null, String.class);
            Task<List<String>> both = ctx.allOf(List.of(a, b));
            ctx.waitForExternalEvent("Stop", String.class).await();
            boolean first = both.cancel();
            return first + "/" + both.cancel() + "/" + a.isFailed() + "/" + b.isFailed() + "/" + a.cancel();
        };
        WorkflowExecution e = executions.of(batch);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));
        e.apply(List.of(input(T0 + 1, new TaskCompleted(0, JSON.serialize("a")))));

        List<Command> commands = e.apply(List.of(input(T0 + 2, new EventRaised("Stop", null))));

        assertThat(commands.getFirst()).isEqualTo(new CancelTask(1, "B", 1, null));
        assertThat(JSON.deserialize(((CompleteWorkflow) commands.getLast()).output(), String.class)).isEqualTo("true/false/false/true/false");
    }

    @Test
    void aHeldResultOfATaskCanceledAtTheResumeIsIgnoredAndNoCancellationIsRecorded() {
        WorkflowExecution live = executions.of(RACE);
        History history = History.startingAt(T0);
        step(live, history, T0, new WorkflowStarted("Test", IN));
        step(live, history, T0 + 1, new WorkflowSuspended("hold"));
        step(live, history, T0 + 2, new TaskCompleted(0, JSON.serialize("won")));
        step(live, history, T0 + 3, new TaskCompleted(1, JSON.serialize("also done")));

        List<Command> atResume = step(live, history, T0 + 4, new WorkflowResumed(null));

        assertThat(atResume).singleElement().isInstanceOf(CompleteWorkflow.class);
        WorkflowExecution replayed = executions.of(RACE);
        replayed.replay(history.events());
        assertThat(replayed.isEnded()).isTrue();
    }
}

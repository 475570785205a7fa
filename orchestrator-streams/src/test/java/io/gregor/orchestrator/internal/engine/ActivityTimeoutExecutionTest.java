package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command.CreateTimer;
import io.gregor.orchestrator.internal.engine.Command.FailWorkflow;
import io.gregor.orchestrator.internal.engine.Command.ScheduleTask;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowStarted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine's side of activity timeouts: what each attempt's command carries, and when no attempt follows. */
class ActivityTimeoutExecutionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Payload IN = JSON.serialize("in");
    @RegisterExtension
    final Executions executions = new Executions();

    static final Workflow IMPORT = ctx -> ctx.callActivity("Import", "in", TaskOptions.withRetryPolicy(RetryPolicy.of(3, Duration.ofSeconds(1)))
            .withScheduleToCloseTimeout(Duration.ofMinutes(1)).withStartToCloseTimeout(Duration.ofSeconds(10))
            .withHeartbeatTimeout(Duration.ofSeconds(5)), String.class).await();

    private static TaskFailed timedOut(int taskId, Object details) {
        return new TaskFailed(taskId, new FailureDetails(TaskOptions.TIMEOUT_ERROR_TYPE, "timed out", null, false),
                details == null ? null : JSON.serialize(details));
    }

    @Test
    void everyAttemptCarriesTheTimeoutsTheRestOfTheScheduleToCloseTimeoutAndTheLastHeartbeatDetails() {
        WorkflowExecution e = executions.of(IMPORT);

        List<Command> first = e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));
        e.apply(List.of(input(T0 + 10_000, timedOut(0, "page 7"))));
        List<Command> second = e.apply(List.of(input(T0 + 11_000, new TimerFired(1, Instant.ofEpochMilli(T0 + 11_000)))));
        e.apply(List.of(input(T0 + 15_000, timedOut(2, null))));
        List<Command> third = e.apply(List.of(input(T0 + 16_000, new TimerFired(3, Instant.ofEpochMilli(T0 + 16_000)))));

        assertThat(first).containsExactly(new ScheduleTask(0, "Import", IN, 1, null, 10_000L, 60_000L, 5_000L, null));
        assertThat(second).containsExactly(new ScheduleTask(2, "Import", IN, 2, null, 10_000L, 49_000L, 5_000L, JSON.serialize("page 7")));
        assertThat(third).as("an attempt that sent no details hands on those it was given")
                .containsExactly(new ScheduleTask(4, "Import", IN, 3, null, 10_000L, 44_000L, 5_000L, JSON.serialize("page 7")));
    }

    @Test
    void noAttemptIsScheduledAtOrAfterTheScheduleToCloseDeadline() {
        Workflow bounded = ctx -> ctx.callActivity("Ship", "in", TaskOptions.withRetryPolicy(RetryPolicy.of(5, Duration.ofSeconds(10)))
                .withScheduleToCloseTimeout(Duration.ofSeconds(15)), String.class).await();
        WorkflowExecution e = executions.of(bounded);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));

        List<Command> afterFailure = e.apply(List.of(input(T0 + 5_000, new TaskFailed(0,
                new FailureDetails("java.io.IOException", "flaky", null, false), null))));

        assertThat(afterFailure).as("a retry would start at 15 s, the deadline").singleElement().isInstanceOf(FailWorkflow.class);
    }

    @Test
    void aRetryBeforeTheScheduleToCloseDeadlineStillHappens() {
        Workflow bounded = ctx -> ctx.callActivity("Ship", "in", TaskOptions.withRetryPolicy(RetryPolicy.of(5, Duration.ofSeconds(10)))
                .withScheduleToCloseTimeout(Duration.ofSeconds(15)), String.class).await();
        WorkflowExecution e = executions.of(bounded);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));

        List<Command> afterFailure = e.apply(List.of(input(T0 + 4_999, new TaskFailed(0,
                new FailureDetails("java.io.IOException", "flaky", null, false), null))));

        assertThat(afterFailure).containsExactly(new CreateTimer(1, T0 + 14_999));
    }

    @Test
    void replayingARunWithTimeoutsReproducesItsCommandsAndDetails() {
        History history = History.startingAt(T0);
        WorkflowExecution live = executions.of(IMPORT);
        List<HistoryEvent> inputs = List.of(input(T0, new WorkflowStarted("Test", IN)), input(T0 + 10_000, timedOut(0, "page 7")),
                input(T0 + 11_000, new TimerFired(1, Instant.ofEpochMilli(T0 + 11_000))));
        for (HistoryEvent in : inputs) {
            history.at(in.getTimestamp().toEpochMilli()).add(in.getEvent()).record(live.apply(List.of(in)));
        }
        List<Command> liveLast = live.apply(List.of(input(T0 + 12_000, new TaskCompleted(2, JSON.serialize("done")))));

        WorkflowExecution replayed = executions.of(IMPORT);
        replayed.replay(history.events());
        List<Command> replayedLast = replayed.apply(List.of(input(T0 + 12_000, new TaskCompleted(2, JSON.serialize("done")))));

        assertThat(replayedLast).isEqualTo(liveLast);
        assertThat(history.events().stream().map(HistoryEvent::getEvent).filter(TaskScheduled.class::isInstance)
                .map(TaskScheduled.class::cast).toList().getLast().getHeartbeatDetails())
                .isEqualTo(JSON.serialize("page 7"));
    }

    @Test
    void theOpenActivitiesAreWhatAnEndingInstanceCancels() {
        Workflow race = ctx -> {
            Task<String> fast = ctx.callActivity("Fast", null, String.class);
            Task<String> slow = ctx.callActivity("Slow", null, String.class);
            ctx.anyOf(List.of(fast, slow)).await();
            return fast.await();
        };
        WorkflowExecution e = executions.of(race);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", IN))));
        assertThat(e.openActivities()).isEqualTo(Map.of(0, 1, 1, 1));

        List<Command> done = e.apply(List.of(input(T0 + 1, new TaskCompleted(0, JSON.serialize("won")))));

        assertThat(done).singleElement().isInstanceOf(Command.CompleteWorkflow.class);
        assertThat(e.openActivities()).isEqualTo(Map.of(1, 1));
    }
}

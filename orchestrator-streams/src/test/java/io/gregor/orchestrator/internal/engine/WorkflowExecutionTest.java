package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Saga;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command.CancelTimer;
import io.gregor.orchestrator.internal.engine.Command.CompleteWorkflow;
import io.gregor.orchestrator.internal.engine.Command.CreateTimer;
import io.gregor.orchestrator.internal.engine.Command.FailWorkflow;
import io.gregor.orchestrator.internal.engine.Command.ScheduleTask;
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
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WorkflowExecutionTest {
    private static final long T0 = 1_700_000_000_000L;
    @RegisterExtension
    final Executions executions = new Executions();



    private static String output(List<Command> commands) {
        CompleteWorkflow done = (CompleteWorkflow) commands.getLast();
        return JSON.deserialize(done.output(), String.class);
    }

    static final Workflow CHAIN = ctx -> {
        String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
        String b = ctx.callActivity("B", a, String.class).await();
        return a + "+" + b;
    };

    @Test
    void startingAWorkflowSchedulesItsFirstActivityOnly() {
        WorkflowExecution e = executions.of(CHAIN);

        List<Command> commands = e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in")))));

        assertThat(commands).containsExactly(new ScheduleTask(0, "A", JSON.serialize("in"), 1));
        assertThat(e.historyLength()).isEqualTo(2);
    }

    @Test
    void aRegistryOutageWhileTheCodeReadsAPayloadFailsTheStepNotTheWorkflow() {
        DataConverter registryDown = new DataConverter() {
            @Override
            public Payload serialize(Object value) {
                return JSON.serialize(value);
            }

            @Override
            public <T> T deserialize(Payload payload, Class<T> type) {
                throw new SchemaRegistryException("Expected a schema registry to answer GET /schemas/ids/7, but found: timeout",
                        new HttpTimeoutException("request timed out"), true);
            }
        };
        WorkflowExecution e = executions.track(new WorkflowExecution("wf-1", 0, "Test", CHAIN, registryDown, Duration.ofSeconds(10),
                WorkflowCarrier.choose(true)));

        assertThatThrownBy(() -> e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in"))))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema registry to serve a payload of instance wf-1")
                .hasRootCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void aLiveExecutionFedOnlyTheNewEventContinuesWhereItParked() {
        WorkflowExecution e = executions.of(CHAIN);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in")))));

        List<Command> second = e.apply(List.of(input(T0 + 1, new TaskCompleted(0, JSON.serialize("a")))));
        List<Command> third = e.apply(List.of(input(T0 + 2, new TaskCompleted(1, JSON.serialize("b")))));

        assertThat(second).containsExactly(new ScheduleTask(1, "B", JSON.serialize("a"), 1));
        assertThat(output(third)).isEqualTo("a+b");
        assertThat(e.isEnded()).as("ended once it returns its completion, so it is not cached").isTrue();
    }

    @Test
    void replayingTheHistoryRebuildsTheSameStateAsTheLiveRun() {
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").scheduled(0, "A", "in").completed(0, "a")
                .scheduled(1, "B", "a").events();
        WorkflowExecution e = executions.of(CHAIN);

        e.replay(past);
        List<Command> commands = e.apply(List.of(input(T0 + 5, new TaskCompleted(1, JSON.serialize("b")))));

        assertThat(output(commands)).isEqualTo("a+b");
        assertThat(e.historyLength()).isEqualTo(past.size() + 2);
    }

    @Test
    void aChangedActivityNameIsANonDeterminismErrorNamingTheSequenceIdAndBothCommands() {
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").scheduled(0, "A", "in").completed(0, "a")
                .scheduled(1, "OldB", "a").events();
        WorkflowExecution e = executions.of(CHAIN);

        assertThatThrownBy(() -> e.replay(past))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("at sequence id 1")
                .hasMessageContaining("expected TaskScheduled(id=1, activity='OldB')")
                .hasMessageContaining("but the code issued ScheduleTask(id=1, activity='B'");
    }

    @Test
    void aRecordedCommandTheCodeNoLongerIssuesIsANonDeterminismError() {
        Workflow timerInstead = ctx -> {
            ctx.createTimer(Duration.ofSeconds(1)).await();
            return "done";
        };
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").scheduled(0, "A", "in").events();
        WorkflowExecution e = executions.of(timerInstead);

        assertThatThrownBy(() -> e.replay(past))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("at sequence id 0 expected TaskScheduled(id=0, activity='A')")
                .hasMessageContaining("CreateTimer(id=0");
    }

    @Test
    void duplicateAndUnknownResultsAreNotAccepted() {
        WorkflowExecution e = executions.of(CHAIN);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize("in")))));
        e.apply(List.of(input(T0, new TaskCompleted(0, JSON.serialize("a")))));

        assertThat(e.accepts(new TaskCompleted(0, JSON.serialize("a")))).as("task 0 already completed").isFalse();
        assertThat(e.accepts(new TaskCompleted(7, null))).as("never scheduled").isFalse();
        assertThat(e.accepts(new TimerFired(1, Instant.ofEpochMilli(T0)))).as("id 1 is an activity, not a timer").isFalse();
        assertThat(e.accepts(new TaskCompleted(1, null))).isTrue();
    }

    @Test
    void fanOutSchedulesEveryTaskInOneStepAndJoinsInOrder() {
        Workflow fan = ctx -> {
            List<Task<Integer>> tasks = IntStream.range(0, 100).mapToObj(i -> ctx.callActivity("Square", i, Integer.class)).toList();
            return ctx.allOf(tasks).await().stream().mapToInt(Integer::intValue).sum();
        };
        WorkflowExecution e = executions.of(fan);

        List<Command> scheduled = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        List<Command> last = List.of();
        for (int i = 99; i >= 0; i--) { // results arrive in any order
            last = e.apply(List.of(input(T0, new TaskCompleted(i, JSON.serialize(i * i)))));
            if (i > 0) {
                assertThat(last).isEmpty();
            }
        }

        assertThat(scheduled).hasSize(100).allMatch(c -> c instanceof ScheduleTask);
        assertThat(JSON.deserialize(((CompleteWorkflow) last.getFirst()).output(), Integer.class))
                .isEqualTo(IntStream.range(0, 100).map(i -> i * i).sum());
    }

    static final Workflow APPROVAL = ctx -> {
        try {
            return ctx.waitForExternalEvent("Approval", Duration.ofHours(1), String.class).await();
        } catch (TaskCanceledException e) {
            return e.reason() + ": " + e.getMessage();
        }
    };

    @Test
    void anEventBeforeItsTimeoutCompletesTheWait() {
        WorkflowExecution e = executions.of(APPROVAL);
        List<Command> first = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> second = e.apply(List.of(input(T0 + 10, new EventRaised("approval", JSON.serialize("yes")))));

        assertThat(first).containsExactly(new CreateTimer(0, T0 + 3_600_000));
        assertThat(output(second)).isEqualTo("yes");
    }

    @Test
    void aTimeoutBeforeTheEventCancelsTheWait() {
        WorkflowExecution e = executions.of(APPROVAL);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> second = e.apply(List.of(input(T0 + 3_600_000, new TimerFired(0, Instant.ofEpochMilli(T0 + 3_600_000)))));

        assertThat(output(second)).startsWith("TIMED_OUT: Timed out after PT1H waiting for external event 'Approval'");
    }

    @Test
    void eventsRaisedBeforeTheWaitAreBufferedInOrder() {
        Workflow twoEvents = ctx -> {
            ctx.createTimer(Duration.ofSeconds(1)).await();
            String first = ctx.waitForExternalEvent("e", String.class).await();
            String second = ctx.waitForExternalEvent("e", String.class).await();
            return first + second;
        };
        WorkflowExecution e = executions.of(twoEvents);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        e.apply(List.of(input(T0, new EventRaised("e", JSON.serialize("1")))));
        e.apply(List.of(input(T0, new EventRaised("E", JSON.serialize("2")))));

        List<Command> commands = e.apply(List.of(input(T0 + 1000, new TimerFired(0, Instant.ofEpochMilli(T0 + 1000)))));

        assertThat(output(commands)).isEqualTo("12");
    }

    @Test
    void anyOfCompletesWithTheFirstFinishedTask() {
        Workflow race = ctx -> {
            Task<String> activity = ctx.callActivity("Slow", null, String.class);
            Task<Void> timer = ctx.createTimer(Duration.ofSeconds(5));
            return ctx.anyOf(activity, timer).await() == timer ? "timer" : activity.await();
        };
        WorkflowExecution e = executions.of(race);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> commands = e.apply(List.of(input(T0 + 5000, new TimerFired(1, Instant.ofEpochMilli(T0 + 5000)))));

        assertThat(output(commands)).isEqualTo("timer");
    }

    @Test
    void timeInsideTheWorkflowIsTheRecordedTimeOfTheEventBeingProcessed() {
        Workflow clock = ctx -> {
            long before = ctx.getCurrentInstant().toEpochMilli();
            ctx.createTimer(Duration.ofMinutes(1)).await();
            return (ctx.getCurrentInstant().toEpochMilli() - before) + " " + ctx.newUuid();
        };
        WorkflowExecution live = executions.of(clock);
        live.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        String liveOutput = output(live.apply(List.of(input(T0 + 61_000, new TimerFired(0, Instant.ofEpochMilli(T0 + 60_000))))));

        WorkflowExecution replayed = executions.of(clock);
        replayed.replay(History.startingAt(T0).started("Test", null).timerCreated(0, T0 + 60_000).events());
        String replayedOutput = output(replayed.apply(List.of(input(T0 + 61_000, new TimerFired(0, Instant.ofEpochMilli(T0 + 60_000))))));

        assertThat(liveOutput).startsWith("61000 ").isEqualTo(replayedOutput);
        assertThat(UUID.fromString(liveOutput.split(" ")[1])).isNotNull();
    }

    @Test
    void aFailingActivityIsRetriedDurablyWithBackoffTimersThenSucceeds() {
        Workflow retrying = ctx -> ctx.callActivity("Flaky", "x",
                TaskOptions.withRetryPolicy(RetryPolicy.of(3, Duration.ofSeconds(1)).withBackoffCoefficient(2)), String.class).await();
        WorkflowExecution e = executions.of(retrying);

        List<Command> s1 = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        List<Command> s2 = e.apply(List.of(input(T0 + 10, failure(0))));
        List<Command> s3 = e.apply(List.of(input(T0 + 1010, new TimerFired(1, Instant.ofEpochMilli(T0 + 1010)))));
        List<Command> s4 = e.apply(List.of(input(T0 + 1020, failure(2))));
        List<Command> s5 = e.apply(List.of(input(T0 + 3020, new TimerFired(3, Instant.ofEpochMilli(T0 + 3020)))));
        List<Command> s6 = e.apply(List.of(input(T0 + 3030, new TaskCompleted(4, JSON.serialize("ok")))));

        assertThat(s1).containsExactly(new ScheduleTask(0, "Flaky", JSON.serialize("x"), 1));
        assertThat(s2).containsExactly(new CreateTimer(1, T0 + 1010));
        assertThat(s3).containsExactly(new ScheduleTask(2, "Flaky", JSON.serialize("x"), 2));
        assertThat(s4).as("second backoff doubles").containsExactly(new CreateTimer(3, T0 + 3020));
        assertThat(s5).containsExactly(new ScheduleTask(4, "Flaky", JSON.serialize("x"), 3));
        assertThat(output(s6)).isEqualTo("ok");
    }

    @Test
    void exhaustedRetriesFailTheTaskWithTheLastFailure() {
        Workflow retrying = ctx -> ctx.callActivity("Flaky", "x",
                TaskOptions.withRetryPolicy(RetryPolicy.of(2, Duration.ofSeconds(1))), String.class).await();
        WorkflowExecution e = executions.of(retrying);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        e.apply(List.of(input(T0, failure(0))));
        e.apply(List.of(input(T0 + 1000, new TimerFired(1, Instant.ofEpochMilli(T0 + 1000)))));

        List<Command> last = e.apply(List.of(input(T0 + 1000, failure(2))));

        assertThat(last).singleElement().isInstanceOfSatisfying(FailWorkflow.class, f -> {
            assertThat(f.failure().getErrorType()).isEqualTo(TaskFailedException.class.getName());
            assertThat(f.failure().getMessage()).contains("Task 'Flaky' (id 2) failed: java.io.IOException: boom");
        });
    }

    @Test
    void nonRetriableErrorTypesAreNotRetried() {
        Workflow retrying = ctx -> ctx.callActivity("Flaky", "x", TaskOptions.withRetryPolicy(
                RetryPolicy.of(5, Duration.ofSeconds(1)).withNonRetriableErrors(java.io.IOException.class)), String.class).await();
        WorkflowExecution e = executions.of(retrying);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> afterFailure = e.apply(List.of(input(T0, failure(0))));

        assertThat(afterFailure).singleElement().isInstanceOf(FailWorkflow.class);
    }

    @Test
    void sagaCompensatesInReverseOrderWhenAStepFails() {
        Workflow saga = ctx -> {
            Saga s = new Saga(ctx);
            ctx.callActivity("BookCar", null).await();
            s.addCompensation("CancelCar", null);
            ctx.callActivity("BookHotel", null).await();
            s.addCompensation("CancelHotel", null);
            try {
                ctx.callActivity("Pay", null).await();
                return "paid";
            } catch (TaskFailedException e) {
                s.compensate();
                return "compensated";
            }
        };
        WorkflowExecution e = executions.of(saga);
        List<Command> all = new ArrayList<>(e.apply(List.of(input(T0, new WorkflowStarted("Test", null)))));
        all.addAll(e.apply(List.of(input(T0, new TaskCompleted(0, null)))));
        all.addAll(e.apply(List.of(input(T0, new TaskCompleted(1, null)))));
        all.addAll(e.apply(List.of(input(T0, failure(2)))));
        all.addAll(e.apply(List.of(input(T0, new TaskCompleted(3, null)))));
        all.addAll(e.apply(List.of(input(T0, new TaskCompleted(4, null)))));

        assertThat(all.stream().filter(c -> c instanceof ScheduleTask).map(c -> ((ScheduleTask) c).activityName()))
                .containsExactly("BookCar", "BookHotel", "Pay", "CancelHotel", "CancelCar");
        assertThat(output(all)).isEqualTo("compensated");
    }

    @Test
    void anUncaughtExceptionFailsTheWorkflowWithItsDetails() {
        WorkflowExecution e = executions.of(ctx -> {
            throw new IllegalStateException("bad order 42");
        });

        List<Command> commands = e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        assertThat(commands).singleElement().isInstanceOfSatisfying(FailWorkflow.class, f -> {
            assertThat(f.failure().getErrorType()).isEqualTo("java.lang.IllegalStateException");
            assertThat(f.failure().getMessage()).isEqualTo("bad order 42");
        });
    }

    @Test
    void isReplayingIsTrueOnlyWhileReplayingRecordedEvents() {
        List<Boolean> seen = new ArrayList<>();
        Workflow w = ctx -> {
            seen.add(ctx.isReplaying());
            ctx.callActivity("A", null).await();
            seen.add(ctx.isReplaying());
            ctx.callActivity("B", null).await();
            return null;
        };
        WorkflowExecution e = executions.of(w);
        e.replay(History.startingAt(T0).started("Test", null).scheduled(0, "A", null).completed(0, null).scheduled(1, "B", null).events());
        e.apply(List.of(input(T0, new TaskCompleted(1, null))));

        assertThat(seen).containsExactly(true, true);
        WorkflowExecution live = executions.of(w);
        seen.clear();
        live.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        assertThat(seen).containsExactly(false);
    }

    @Test
    void commandsIssuedAfterTheLastRecordedEventOfAStalledInstanceAreEmittedByTheNextStep() {
        // A stalled instance keeps its inputs without commands; once the code is fixed, replay
        // consumes them and what the code issues past the history end is new work.
        List<HistoryEvent> past = History.startingAt(T0).started("Test", "in").scheduled(0, "A", "in").completed(0, "a").events();
        WorkflowExecution e = executions.of(CHAIN);
        e.replay(past);

        List<Command> commands = e.apply(List.of());

        assertThat(commands).containsExactly(new ScheduleTask(1, "B", JSON.serialize("a"), 1));
    }

    @Test
    void workflowCodeThatNeverYieldsIsReportedAsStuck() {
        WorkflowExecution e = executions.track(new WorkflowExecution("wf-2", 0, "Test", ctx -> {
            java.util.concurrent.locks.LockSupport.park(); // blocks without awaiting a task
            return null;
        }, JSON, Duration.ofMillis(200), WorkflowCarrier.choose(true)));

        assertThatThrownBy(() -> e.apply(List.of(input(T0, new WorkflowStarted("Test", null)))))
                .hasMessageContaining("Expected workflow code on gregor-wf-wf-2 to await a task or return within PT0.2S");
    }

    @Test
    void aFullRunReplayedFromItsRecordedHistoryReproducesEveryCommand() {
        Workflow mixed = ctx -> {
            String a = ctx.callActivity("A", 1, String.class).await();
            List<Task<String>> fan = List.of(ctx.callActivity("F", 1, String.class), ctx.callActivity("F", 2, String.class));
            ctx.createTimer(Duration.ofSeconds(3)).await();
            String ev = ctx.waitForExternalEvent("go", Duration.ofMinutes(1), String.class).await();
            return a + ctx.allOf(fan).await() + ev;
        };
        History recorded = History.startingAt(T0);
        WorkflowExecution live = executions.of(mixed);
        List<HistoryEvent> inputs = List.of(input(T0, new WorkflowStarted("Test", null)), input(T0 + 1, new TaskCompleted(0, JSON.serialize("a"))),
                input(T0 + 2, new TaskCompleted(2, JSON.serialize("f2"))), input(T0 + 3, new TaskCompleted(1, JSON.serialize("f1"))),
                input(T0 + 3001, new TimerFired(3, Instant.ofEpochMilli(T0 + 3001))), input(T0 + 3002, new EventRaised("go", JSON.serialize("!"))));
        List<Command> last = List.of();
        for (HistoryEvent in : inputs) {
            last = live.apply(List.of(in));
            recorded.at(in.getTimestamp().toEpochMilli()).add(in.getEvent()).record(last);
        }

        WorkflowExecution replayed = executions.of(mixed);
        replayed.replay(recorded.events());

        assertThat(output(last)).isEqualTo("a[f1, f2]!");
        assertThat(replayed.isEnded()).as("the replay matched every command, the completion included").isTrue();
        assertThat(replayed.historyLength()).isEqualTo(recorded.events().size());
    }

    // ------------------------------------------------------------------ timers nobody waits for

    /** Runs the inputs live, recording each step's commands after its input as the processor does. */
    private static List<Command> runLive(WorkflowExecution live, History recorded, List<HistoryEvent> inputs) {
        List<Command> last = List.of();
        for (HistoryEvent in : inputs) {
            last = live.apply(List.of(in));
            recorded.at(in.getTimestamp().toEpochMilli()).add(in.getEvent()).record(last);
        }
        return last;
    }

    @Test
    void anEventBeforeItsTimeoutCancelsTheTimeoutTimer() {
        WorkflowExecution e = executions.of(APPROVAL);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> second = e.apply(List.of(input(T0 + 10, new EventRaised("approval", JSON.serialize("yes")))));

        assertThat(second).hasSize(2).first().isEqualTo(new CancelTimer(0, T0 + 3_600_000));
        assertThat(output(second)).isEqualTo("yes");
        assertThat(e.accepts(new TimerFired(0, Instant.ofEpochMilli(T0 + 3_600_000)))).as("a firing already on its way").isFalse();
    }

    static final Workflow RACE_THEN_TIMER_AGAIN = ctx -> {
        Task<String> activity = ctx.callActivity("Slow", null, String.class);
        Task<Void> timer = ctx.createTimer(Duration.ofSeconds(5));
        String winner = ctx.anyOf(activity, timer).await() == timer ? "timer" : activity.await();
        if (ctx.getInput(Boolean.class) == Boolean.TRUE) {
            timer.await();
            return winner + ", then the timer";
        }
        return winner;
    };

    @Test
    void aTimerThatLostAnAnyOfIsCancelledAndReplayMatchesTheCancellation() {
        WorkflowExecution live = executions.of(RACE_THEN_TIMER_AGAIN);
        History recorded = History.startingAt(T0);

        List<Command> last = runLive(live, recorded, List.of(input(T0, new WorkflowStarted("Test", JSON.serialize(false))),
                input(T0 + 1000, new TaskCompleted(0, JSON.serialize("fast")))));

        assertThat(last).hasSize(2).first().isEqualTo(new CancelTimer(1, T0 + 5000));
        assertThat(output(last)).isEqualTo("fast");
        WorkflowExecution replayed = executions.of(RACE_THEN_TIMER_AGAIN);
        replayed.replay(recorded.events());
        assertThat(replayed.isEnded()).as("the replay matched the cancellation").isTrue();
    }

    @Test
    void aCancelledTimerTheCodeAwaitsAgainIsCreatedAnewAtItsOriginalFireTime() {
        WorkflowExecution e = executions.of(RACE_THEN_TIMER_AGAIN);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", JSON.serialize(true)))));

        List<Command> afterRace = e.apply(List.of(input(T0 + 1000, new TaskCompleted(0, JSON.serialize("fast")))));
        List<Command> end = e.apply(List.of(input(T0 + 5000, new TimerFired(2, Instant.ofEpochMilli(T0 + 5000)))));

        assertThat(afterRace).containsExactly(new CreateTimer(2, T0 + 5000), new CancelTimer(1, T0 + 5000));
        assertThat(output(end)).isEqualTo("fast, then the timer");
    }

    @Test
    void aTimerInAnotherPendingCombinatorIsNotCancelledWhenItLosesAnAnyOf() {
        Workflow twoRaces = ctx -> {
            Task<Void> timer = ctx.createTimer(Duration.ofSeconds(5));
            Task<String> a = ctx.callActivity("A", null, String.class);
            Task<String> b = ctx.callActivity("B", null, String.class);
            Task<Task<?>> second = ctx.anyOf(b, timer);
            ctx.anyOf(a, timer).await();
            return second.await() == timer ? "timer" : "b";
        };
        WorkflowExecution e = executions.of(twoRaces);
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        List<Command> afterA = e.apply(List.of(input(T0 + 1, new TaskCompleted(1, JSON.serialize("a")))));
        List<Command> end = e.apply(List.of(input(T0 + 5000, new TimerFired(0, Instant.ofEpochMilli(T0 + 5000)))));

        assertThat(afterA).as("the second anyOf still waits on the timer").isEmpty();
        assertThat(output(end)).isEqualTo("timer");
    }

    @Test
    void theOpenTimersAreWhatAnEndingInstanceLeavesInTheStore() {
        WorkflowExecution e = executions.of(ctx -> {
            ctx.createTimer(Duration.ofMinutes(1)); // never awaited
            return ctx.callActivity("A", null, String.class).await();
        });
        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        e.apply(List.of(input(T0 + 1, new TaskCompleted(1, JSON.serialize("a")))));

        assertThat(e.isEnded()).isTrue();
        assertThat(e.openTimers()).containsExactly(java.util.Map.entry(0, T0 + 60_000));
    }

    // ------------------------------------------------------------------ suspension

    static final Workflow ACTIVITY_THEN_EVENT = ctx -> {
        String a = ctx.callActivity("A", null, String.class).await();
        String event = ctx.waitForExternalEvent("go", String.class).await();
        return a + event + "@" + ctx.getCurrentInstant().toEpochMilli();
    };

    @Test
    void inputsArrivingWhileSuspendedAreHeldAndFedInTheirOrderOnResume() {
        WorkflowExecution live = executions.of(ACTIVITY_THEN_EVENT);
        History recorded = History.startingAt(T0);
        runLive(live, recorded, List.of(input(T0, new WorkflowStarted("Test", null)), input(T0 + 1, new WorkflowSuspended("maintenance"))));

        List<Command> whileSuspended = runLive(live, recorded, List.of(input(T0 + 2, new TaskCompleted(0, JSON.serialize("a"))),
                input(T0 + 3, new EventRaised("go", JSON.serialize("!")))));
        boolean duplicateAccepted = live.accepts(new TaskCompleted(0, JSON.serialize("a")));
        List<Command> resumed = runLive(live, recorded, List.of(input(T0 + 100, new WorkflowResumed(null))));

        assertThat(whileSuspended).as("no code ran while suspended").isEmpty();
        assertThat(duplicateAccepted).as("a duplicate of a held result").isFalse();
        assertThat(output(resumed)).as("both held inputs, in order, at the resume's time").isEqualTo("a!@" + (T0 + 100));
        WorkflowExecution replayed = executions.of(ACTIVITY_THEN_EVENT);
        replayed.replay(recorded.events());
        assertThat(replayed.isEnded()).as("replay holds and releases the same inputs").isTrue();
    }

    private static TaskFailed failure(int taskId) {
        return new TaskFailed(taskId, new FailureDetails("java.io.IOException", "boom", null, false), null);
    }
}

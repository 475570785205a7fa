package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.JSON;
import static io.gregor.orchestrator.internal.TopologyFixture.T0;
import static io.gregor.orchestrator.internal.TopologyFixture.outputOf;
import static io.gregor.orchestrator.internal.TopologyFixture.startOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowResumed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.avro.WorkflowSuspended;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Suspend, resume, terminate, purge, rerun, id reuse, delayed start and retention, through the topology with a hand-driven clock. */
class LifecycleTopologyTest {
    private TopologyFixture gregor;

    private void startDriver(Retention retention) {
        WorkflowRegistry workflows = new WorkflowRegistry();
        workflows.register("Echo", () -> ctx -> ctx.getInput(String.class) + " at " + ctx.getCurrentInstant());
        workflows.register("Chain", () -> ctx -> {
            String a = ctx.callActivity("A", ctx.getInput(String.class), String.class).await();
            return ctx.callActivity("B", a, String.class).await();
        });
        workflows.register("Race", () -> ctx -> {
            Task<String> activity = ctx.callActivity("A", null, String.class);
            Task<Void> timer = ctx.createTimer(Duration.ofMinutes(1));
            Task<?> first = ctx.anyOf(activity, timer).await();
            timer.await();
            return (first == activity ? "activity" : "timer") + " first: " + activity.await() + ", resumed at " + ctx.getCurrentInstant();
        });
        workflows.register("Approval", () -> ctx -> {
            try {
                return "approved by " + ctx.waitForExternalEvent("approval", Duration.ofHours(1), String.class).await();
            } catch (TaskCanceledException e) {
                return "timed out";
            }
        });
        gregor = new TopologyFixture(workflows, 100, retention);
    }

    private void startDriver() {
        startDriver(Retention.NONE);
    }

    @AfterEach
    void close() {
        if (gregor != null) {
            gregor.close();
        }
    }

    private static List<Class<?>> types(List<HistoryEvent> history) {
        return history.stream().<Class<?>>map(e -> e.getEvent().getClass()).toList();
    }

    private RuntimeStatus lastStatus() {
        return gregor.statuses.readValuesToList().getLast().getStatus();
    }

    // ------------------------------------------------------------------ suspend and resume

    @Test
    void aResultAndATimerArrivingWhileSuspendedAreProcessedOnResumeInTheirOrder() {
        // given an instance with an activity in flight and a one-minute timer
        startDriver();
        gregor.start("race-1", "Race", null);
        ActivityTask task = gregor.tasks.readValue();

        // when it is suspended, the result arrives, the timer comes due, and it is resumed later
        gregor.control("race-1", new SuspendWorkflow("maintenance"));
        gregor.succeed(task, "a");
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(gregor.completions.isEmpty()).as("no code ran while suspended").isTrue();
        assertThat(lastStatus()).isEqualTo(RuntimeStatus.SUSPENDED);
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));
        gregor.control("race-1", new ResumeWorkflow("done"));

        // then both were recorded while suspended, in their order, and fed to the code on resume in that order
        assertThat(types(gregor.history("race-1")).subList(3, 8)).containsExactly(WorkflowSuspended.class, TaskCompleted.class,
                TimerFired.class, WorkflowResumed.class, io.gregor.schemas.avro.WorkflowCompleted.class);
        assertThat(outputOf(gregor.completions.readValue())).startsWith("activity first: a, resumed at ");
    }

    @Test
    void suspendingAnEndedInstanceIsRefusedAndResumingARunningOneChangesNothing() {
        startDriver();
        gregor.start("echo-1", "Echo", "hi");
        gregor.start("chain-1", "Chain", "x");
        List<HistoryEvent> before = gregor.history("chain-1");

        gregor.control("echo-1", new SuspendWorkflow("too late"));
        gregor.control("chain-1", new ResumeWorkflow(null));

        assertThat(gregor.nextDeadLetterReason()).isEqualTo("Expected a live instance 'echo-1' to suspend, but it is COMPLETED");
        assertThat(gregor.deadLetters.isEmpty()).as("the resume of a running instance is ignored, not refused").isTrue();
        assertThat(gregor.history("chain-1")).isEqualTo(before);
    }

    // ------------------------------------------------------------------ terminate

    @Test
    void terminateRemovesTheInstancesTimersIgnoresLateResultsAndCompletesOnce() {
        // given a running instance with an activity in flight and a pending timer
        startDriver();
        gregor.start("race-2", "Race", null);
        ActivityTask task = gregor.tasks.readValue();
        assertThat(gregor.timers()).hasSize(1);

        // when it is terminated, then its result arrives late and its timer's time passes
        gregor.control("race-2", new TerminateWorkflow("stop", null, true));
        int historyLength = gregor.history("race-2").size();
        gregor.succeed(task, "late");
        gregor.driver.advanceWallClockTime(Duration.ofHours(1));

        // then
        assertThat(gregor.timers()).as("the timer store").isEmpty();
        assertThat(gregor.history("race-2")).hasSize(historyLength);
        assertThat(gregor.completions.readValuesToList()).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo(RuntimeStatus.TERMINATED));
    }

    // ------------------------------------------------------------------ purge and id reuse

    @Test
    void aPurgedIdIsForgottenAndCanBeStartedAgain() {
        // given a completed instance
        startDriver();
        gregor.start("echo-2", "Echo", "first");
        gregor.statuses.readValuesToList();

        // when it is purged
        gregor.control("echo-2", new PurgeWorkflow(true));

        // then its stores forget it and its status key is deleted
        assertThat(gregor.instance("echo-2")).isNull();
        assertThat(gregor.history("echo-2")).isEmpty();
        assertThat(gregor.statuses.readRecordsToList()).singleElement().satisfies(r -> assertThat(r.value()).isNull());

        // and a start with the same id runs afresh
        gregor.start("echo-2", "Echo", "second");
        assertThat(gregor.completions.readValuesToList()).extracting(TopologyFixture::outputOf)
                .containsExactly("first at " + T0, "second at " + T0);
        assertThat(gregor.history("echo-2")).hasSize(2);
    }

    @Test
    void purgingALiveInstanceIsRefusedNamingItsStatus() {
        startDriver();
        gregor.start("chain-2", "Chain", "x");
        List<HistoryEvent> before = gregor.history("chain-2");

        gregor.control("chain-2", new PurgeWorkflow(true));

        assertThat(gregor.nextDeadLetterReason()).isEqualTo("Expected a COMPLETED, FAILED or TERMINATED instance 'chain-2' to purge, but it is RUNNING");
        assertThat(gregor.history("chain-2")).isEqualTo(before);
    }

    @Test
    void aStartAllowedToReuseTheIdOfAnEndedInstanceReplacesItButNotALiveOne() {
        startDriver();
        gregor.start("echo-3", "Echo", "first");
        gregor.start("chain-3", "Chain", "x");

        gregor.start(startOf("echo-3", "Echo", "second").setIdReusePolicy(IdReusePolicy.ALLOW_IF_TERMINAL).build());
        gregor.start(startOf("chain-3", "Echo", "second").setIdReusePolicy(IdReusePolicy.ALLOW_IF_TERMINAL).build());

        assertThat(gregor.completions.readValuesToList()).extracting(TopologyFixture::outputOf)
                .containsExactly("first at " + T0, "second at " + T0);
        assertThat(gregor.nextDeadLetterReason()).startsWith("Expected no instance with id 'chain-3' or an ended one, but found one RUNNING");
    }

    @Test
    void aStartWithoutAReusePolicyIsRefusedForAnEndedInstance() {
        startDriver();
        gregor.start("echo-4", "Echo", "first");

        gregor.start("echo-4", "Echo", "second");

        assertThat(gregor.completions.readValuesToList()).hasSize(1);
        assertThat(gregor.nextDeadLetterReason()).startsWith("Expected no instance with id 'echo-4', but found one COMPLETED");
    }

    // ------------------------------------------------------------------ delayed start

    @Test
    void aDelayedStartIsPendingUntilItsStartTimeThenRunsThen() {
        // given a start for ten minutes from now
        startDriver();
        Instant startAt = T0.plus(Duration.ofMinutes(10));
        gregor.start(startOf("later-1", "Echo", "hi").setStartAt(startAt).build());

        // when nine minutes pass, it is pending
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(gregor.statuses.readValuesToList()).extracting(WorkflowStatus::getStatus).containsExactly(RuntimeStatus.PENDING);
        assertThat(gregor.completions.isEmpty()).isTrue();

        // then at its start time its code runs
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));
        WorkflowCompletion done = gregor.completions.readValue();
        assertThat(outputOf(done)).isEqualTo("hi at " + startAt);
        assertThat(done.getCreatedAt()).isEqualTo(T0);
        assertThat(gregor.timers()).isEmpty();
    }

    @Test
    void anEventRaisedToAPendingInstanceWaitsForItsCode() {
        startDriver();
        gregor.start(startOf("later-2", "Approval", null).setStartAt(T0.plus(Duration.ofMinutes(10))).build());

        gregor.raise("later-2", "approval", "bob");
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(10));

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("approved by bob");
    }

    @Test
    void terminatingAPendingInstanceRemovesItsStartTimer() {
        startDriver();
        gregor.start(startOf("later-3", "Echo", "hi").setStartAt(T0.plus(Duration.ofMinutes(10))).build());

        gregor.control("later-3", new TerminateWorkflow("never mind", null, true));
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(10));

        assertThat(gregor.timers()).isEmpty();
        assertThat(gregor.completions.readValuesToList()).extracting(WorkflowCompletion::getStatus).containsExactly(RuntimeStatus.TERMINATED);
    }

    // ------------------------------------------------------------------ rerun

    private List<HistoryEvent> completedChain(String id) {
        gregor.start(id, "Chain", "x");
        gregor.succeed(gregor.tasks.readValue(), "a");
        gregor.succeed(gregor.tasks.readValue(), "b");
        gregor.completions.readValue();
        return gregor.history(id);
    }

    @Test
    void aRerunFromAnEventCopiesTheHistoryBeforeItAndRunsTheRestAgain() {
        // given a completed chain: Started, Scheduled(A), Completed(A), Scheduled(B), Completed(B), WorkflowCompleted
        startDriver();
        List<HistoryEvent> source = completedChain("chain-4");

        // when it is rerun from event 3 (the scheduling of B) as a new instance
        gregor.control("chain-4", new RerunWorkflow(3, "chain-4-again", null));
        ActivityTask b = gregor.tasks.readValue();
        gregor.succeed(b, "b2");

        // then A's result is copied, only B runs again, and the source is unchanged
        assertThat(b.getInstanceId()).isEqualTo("chain-4-again");
        assertThat(b.getActivityName()).isEqualTo("B");
        assertThat(gregor.tasks.isEmpty()).isTrue();
        assertThat(gregor.history("chain-4-again").subList(0, 3)).isEqualTo(source.subList(0, 3));
        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("b2");
        assertThat(gregor.history("chain-4")).isEqualTo(source);
    }

    @Test
    void aRerunWithNewInputAndNoIdGetsAnIdDerivedFromTheRequestAndRunsWithTheInput() {
        // given a completed chain
        startDriver();
        completedChain("chain-5");

        // when it is rerun from event 2 (before A's result) with new input and no new id
        gregor.control("chain-5", new RerunWorkflow(2, null, JSON.serialize("y")));

        // then A, open in the copied history, runs again for an id derived from the request's position
        ActivityTask a = gregor.tasks.readValue();
        String expectedId = RerunHandler.derivedId("chain-5", gregor.topics.control() + "/0/0");
        assertThat(a.getInstanceId()).isEqualTo(expectedId);
        assertThat(a.getActivityName()).isEqualTo("A");
        assertThat(gregor.history(expectedId).getFirst().getEvent()).isInstanceOfSatisfying(WorkflowStarted.class,
                s -> assertThat(JSON.deserialize(s.getInput(), String.class)).isEqualTo("y"));
    }

    @Test
    void aRerunFromTheStartRunsTheWorkflowWithTheNewInput() {
        startDriver();
        completedChain("chain-6");

        gregor.control("chain-6", new RerunWorkflow(0, "chain-6-fresh", JSON.serialize("z")));

        ActivityTask a = gregor.tasks.readValue();
        assertThat(a.getInstanceId()).isEqualTo("chain-6-fresh");
        assertThat(JSON.deserialize(a.getInput(), String.class)).isEqualTo("z");
    }

    @Test
    void aRerunOfALiveInstanceIsRefused() {
        startDriver();
        gregor.start("chain-7", "Chain", "x");
        gregor.tasks.readValue();

        gregor.control("chain-7", new RerunWorkflow(0, "chain-7-again", null));

        assertThat(gregor.nextDeadLetterReason()).isEqualTo("Expected a COMPLETED, FAILED or TERMINATED instance 'chain-7' to rerun, but it is RUNNING");
        assertThat(gregor.instance("chain-7-again")).isNull();
    }

    // ------------------------------------------------------------------ retention and leftover timers

    @Test
    void retentionPurgesACompletedInstanceWhenItsTimeToLiveIsOver() {
        // given completed instances are kept for an hour
        startDriver(new Retention(Map.of(RuntimeStatus.COMPLETED, Duration.ofHours(1))));
        gregor.start("echo-5", "Echo", "hi");
        assertThat(gregor.instance("echo-5").getPurgeAt()).isEqualTo(T0.plus(Duration.ofHours(1)));

        // when 59 minutes pass it is still there; after the hour it is gone
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertThat(gregor.instance("echo-5")).isNotNull();
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));

        // then
        assertThat(gregor.instance("echo-5")).isNull();
        assertThat(gregor.history("echo-5")).isEmpty();
        assertThat(gregor.timers()).isEmpty();
    }

    @Test
    void theTimeoutTimerOfAnEventThatArrivedLeavesTheTimerStore() {
        startDriver();
        gregor.start("appr-1", "Approval", null);
        assertThat(gregor.timers()).hasSize(1);

        gregor.raise("appr-1", "approval", "alice");

        assertThat(gregor.timers()).isEmpty();
        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("approved by alice");
        assertThat(gregor.history("appr-1")).extracting(HistoryEvent::getEvent).filteredOn(EventRaised.class::isInstance).hasSize(1);
    }
}

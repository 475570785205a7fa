package io.gregor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.worker.ActivityCanceledException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkflowTestEnvironmentTest {
    private static final Instant START = Instant.parse("2030-06-01T12:00:00Z");

    @Test
    void aWorkflowThatSleepsThirtyDaysCompletesAtOnceOnAClockThirtyDaysOn() {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Sleeper.class).startTime(START).build()) {
            // given
            String id = env.start(TestWorkflows.Sleeper.class, null);
            assertThat(env.getInstanceState(id).orElseThrow().readCustomStatusAs(String.class)).isEqualTo("sleeping");

            // when
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            Instant woke = START.plus(TestWorkflows.Sleeper.SLEEP);
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String.class)).isEqualTo(woke.toString());
            assertThat(done.readCustomStatusAs(String.class)).isEqualTo("awake");
            assertThat(env.currentTime()).isEqualTo(woke);
            assertThat(env.getHistory(id)).extracting(WorkflowHistoryEvent::type)
                    .containsExactly("WorkflowStarted", "TimerCreated", "TimerFired", "WorkflowCompleted");
        }
    }

    @Test
    void aChildWorkflowRunsInTheSameEnvironmentAndItsTimerJumpsTheClockToo() {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Parent.class)
                .registerWorkflow(TestWorkflows.Sleeper.class).startTime(START).build()) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.Parent.class, null));

            // then
            assertThat(done.readOutputAs(String.class)).isEqualTo("child woke at " + START.plus(TestWorkflows.Sleeper.SLEEP));
            assertThat(env.getHistory(done.getInstanceId())).extracting(WorkflowHistoryEvent::type)
                    .contains("ChildWorkflowScheduled", "ChildWorkflowCompleted");
        }
    }

    @Test
    void skipFiresOnlyTheTimersDueWithinTheSkippedTime() {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Sleeper.class).startTime(START).build()) {
            // given
            String id = env.start(TestWorkflows.Sleeper.class, null);

            // when
            env.skip(Duration.ofDays(29));

            // then
            assertThat(env.getInstanceState(id).orElseThrow().getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.RUNNING);
            assertThat(env.currentTime()).isEqualTo(START.plus(Duration.ofDays(29)));
            env.skip(Duration.ofDays(2));
            WorkflowInstanceState done = env.getInstanceState(id).orElseThrow();
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String.class)).as("woke at its own due time").isEqualTo(START.plus(TestWorkflows.Sleeper.SLEEP).toString());
            assertThat(env.currentTime()).isEqualTo(START.plus(Duration.ofDays(31)));
        }
    }

    @Test
    void aRaisedEventEndsTheWaitAndTheActivityRunsOnItsData() {
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> "Hello " + ctx.getInput(String.class))) {
            // given
            String id = env.start(TestWorkflows.Waiter.class, null);

            // when
            env.raiseEvent(id, "go", "Ada");

            // then
            WorkflowInstanceState done = env.waitForCompletion(id);
            assertThat(done.readOutputAs(String.class)).isEqualTo("Hello Ada");
            assertThat(env.currentTime()).as("nothing waited on a timer").isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME);
        }
    }

    @Test
    void waitingForAnInstanceThatWaitsForAnEventNobodyRaisesFailsAtOnceSayingWhatItWaitsFor() {
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> "unused")) {
            // given
            String id = env.start(TestWorkflows.Waiter.class, null);

            // when / then
            assertThatThrownBy(() -> env.waitForCompletion(id)).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Expected instance " + id + " to complete, but it is RUNNING and waits for nothing the environment"
                            + " can advance: pending an external event");
        }
    }

    @Test
    void aFailingActivityIsRetriedByThePolicyAfterItsBackoffAndItsLastAttemptsOutputIsTheResult() {
        // given: a stub that fails its first two attempts
        List<Integer> attempts = new ArrayList<>();
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> {
            attempts.add(ctx.getAttempt());
            if (ctx.getAttempt() < 3) {
                throw new IllegalStateException("flaky, attempt " + ctx.getAttempt());
            }
            return "Hello " + ctx.getInput(String.class);
        })) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.RetryingGreeter.class, "Ada"));

            // then
            assertThat(done.readOutputAs(String.class)).isEqualTo("Hello Ada");
            assertThat(attempts).containsExactly(1, 2, 3);
            assertThat(env.currentTime()).as("two backoffs waited on the clock")
                    .isAfterOrEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME.plus(TestWorkflows.THREE_ATTEMPTS.firstRetryInterval().multipliedBy(2)));
        }
    }

    @Test
    void anActivityThatAlwaysFailsFailsTheWorkflowWithItsErrorAfterTheLastAttempt() {
        AtomicInteger runs = new AtomicInteger();
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("no greeting for " + ctx.getInput(String.class));
        })) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.RetryingGreeter.class, "Ada"));

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
            assertThat(done.getFailureDetails().errorMessage()).contains("no greeting for Ada");
            assertThat(runs).hasValue(3);
        }
    }

    @Test
    void aHeartbeatsDetailsReachTheNextAttempt() {
        // given: the first attempt records progress, then fails
        List<String> seen = new ArrayList<>();
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> {
            seen.add(ctx.getHeartbeatDetails(String.class).orElse("none"));
            if (ctx.getAttempt() == 1) {
                ctx.heartbeat("half done");
                throw new IllegalStateException("crashed half way");
            }
            return "done";
        })) {
            // when
            env.waitForCompletion(env.start(TestWorkflows.RetryingGreeter.class, "Ada"));

            // then
            assertThat(seen).containsExactly("none", "half done");
        }
    }

    @Test
    void anActivityWhoseInstanceEndedIsCancelledAndItsHeartbeatThrows() {
        // given: a race of two calls; the workflow ends with the first result, before the second task runs
        List<String> seen = new ArrayList<>();
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Race.class)
                .registerActivity(TestWorkflows.GREET, ctx -> {
                    seen.add(ctx.getInput(String.class) + (ctx.isCancelled() ? " cancelled" : " wanted"));
                    try {
                        ctx.heartbeat();
                    } catch (ActivityCanceledException e) {
                        seen.add(e.reason());
                    }
                    return ctx.getInput(String.class);
                }).build()) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.Race.class, null));

            // then
            assertThat(done.readOutputAs(String.class)).isEqualTo("first");
            assertThat(seen).containsExactly("first wanted", "second cancelled", "its instance " + done.getInstanceId() + " is COMPLETED");
        }
    }

    @Test
    void terminatingAnInstanceEndsItWithTheGivenOutput() {
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> "unused")) {
            // given
            String id = env.start(TestWorkflows.Waiter.class, null);

            // when
            env.terminate(id, "stopped", "test");

            // then
            WorkflowInstanceState done = env.waitForCompletion(id);
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.TERMINATED);
            assertThat(done.readOutputAs(String.class)).isEqualTo("stopped");
        }
    }

    @Test
    void startingAWorkflowThatIsNotRegisteredIsRefusedBeforeAnythingRuns() {
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> "unused")) {
            assertThatThrownBy(() -> env.start("Nope", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Expected a workflow registered as 'Nope'");
        }
    }

    @Test
    void anActivityThatIsNotRegisteredFailsTheWorkflowWithoutRetries() {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.RetryingGreeter.class).build()) {
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.RetryingGreeter.class, "Ada"));

            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
            assertThat(done.getFailureDetails().errorMessage()).contains("No activity named 'Greet'");
            assertThat(env.getHistory(done.getInstanceId())).filteredOn(e -> e.type().equals("TaskScheduled")).hasSize(1);
        }
    }

    @Test
    void suspendedInstancesKeepTheirInputsUntilResumed() {
        try (WorkflowTestEnvironment env = greeterEnvironment(ctx -> "Hello " + ctx.getInput(String.class))) {
            // given
            String id = env.start(TestWorkflows.Waiter.class, null);
            env.suspend(id, "audit");
            env.raiseEvent(id, "go", "Ada");
            assertThatThrownBy(() -> env.waitForCompletion(id)).hasMessageContaining("it is SUSPENDED");

            // when
            env.resume(id, "audit done");

            // then
            assertThat(env.waitForCompletion(id).readOutputAs(String.class)).isEqualTo("Hello Ada");
        }
    }

    @Test
    void twoEnvironmentsOpenAtOnceKeepTheirOwnInstances() {
        try (WorkflowTestEnvironment first = greeterEnvironment(ctx -> "first");
             WorkflowTestEnvironment second = greeterEnvironment(ctx -> "second")) {
            String inFirst = first.start(TestWorkflows.RetryingGreeter.class, "Ada");
            String inSecond = second.start(TestWorkflows.RetryingGreeter.class, "Ada");

            assertThat(first.waitForCompletion(inFirst).readOutputAs(String.class)).isEqualTo("first");
            assertThat(second.waitForCompletion(inSecond).readOutputAs(String.class)).isEqualTo("second");
        }
    }

    @Test
    void replayingEveryStepRunsTheSameWorkflowToTheSameEnd() {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.TwoGreetings.class)
                .registerActivity(TestWorkflows.GREET, ctx -> "Hello " + ctx.getInput(String.class)).replayEachStep(true).build()) {
            WorkflowInstanceState done = env.waitForCompletion(env.start(TestWorkflows.TwoGreetings.class, "ada"));

            assertThat(done.readOutputAs(String.class)).isEqualTo("Hello ada / Hello ADA");
        }
    }

    @Test
    void replayingEveryStepStallsCodeThatDoesNotReplayTheSameWayWhereTheCacheHidesIt() {
        for (boolean replayEachStep : new boolean[] {false, true}) {
            WorkflowTestEnvironment.Builder builder = WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Counting.class)
                    .replayEachStep(replayEachStep);
            for (int i = 1; i <= 10; i++) {
                builder.registerActivity("Step-" + i, ctx -> ctx.getName());
            }
            try (WorkflowTestEnvironment env = builder.build()) {
                TestWorkflows.Counting.RUNS.set(0);
                String id = env.start(TestWorkflows.Counting.class, null);
                if (replayEachStep) {
                    assertThatThrownBy(() -> env.waitForCompletion(id)).isInstanceOf(AssertionError.class)
                            .hasMessageContaining("Expected instance " + id + " to complete, but it is STALLED")
                            .hasMessageContaining("expected TaskScheduled(id=0, activity='Step-1') (from history), but the code issued"
                                    + " ScheduleTask(id=0, activity='Step-2'");
                } else {
                    assertThat(env.waitForCompletion(id).readOutputAs(String.class)).isEqualTo("Step-1");
                }
            }
        }
    }

    private static WorkflowTestEnvironment greeterEnvironment(io.gregor.worker.Activity greet) {
        return WorkflowTestEnvironment.builder().registerWorkflow(TestWorkflows.Waiter.class).registerWorkflow(TestWorkflows.RetryingGreeter.class)
                .registerActivity(TestWorkflows.GREET, greet).build();
    }
}

package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.JSON;
import static io.gregor.orchestrator.internal.TopologyFixture.T0;
import static io.gregor.orchestrator.internal.TopologyFixture.outputOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activity timeouts, heartbeats and cancellations through the topology, with a hand-driven wall
 * clock: an attempt times out because time is advanced, never by sleeping. The parameterized
 * tests run with a cache of 0 too, so that every step replays the recorded history.
 */
class ActivityTimeoutTopologyTest {
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    private TopologyFixture gregor;
    private Instant now = T0;

    private void startDriver(int cacheSize) {
        WorkflowRegistry workflows = new WorkflowRegistry();
        workflows.register("Timed", () -> ctx -> ctx.callActivity("Charge", ctx.getInput(String.class),
                TaskOptions.withRetryPolicy(RetryPolicy.of(3, BACKOFF)).withStartToCloseTimeout(Duration.ofSeconds(10)), String.class).await());
        workflows.register("Heartbeating", () -> ctx -> ctx.callActivity("Import", null,
                TaskOptions.withRetryPolicy(RetryPolicy.of(2, BACKOFF)).withHeartbeatTimeout(Duration.ofSeconds(10)), String.class).await());
        workflows.register("Bounded", () -> ctx -> {
            try {
                return ctx.callActivity("Ship", null, TaskOptions.withRetryPolicy(RetryPolicy.of(5, BACKOFF))
                        .withStartToCloseTimeout(Duration.ofSeconds(10)).withScheduleToCloseTimeout(Duration.ofSeconds(25)), String.class).await();
            } catch (TaskFailedException e) {
                return e.getFailureDetails().errorMessage();
            }
        });
        workflows.register("Race", () -> ctx -> {
            Task<String> fast = ctx.callActivity("Fast", null, String.class);
            Task<String> slow = ctx.callActivity("Slow", null, TaskOptions.defaults().withStartToCloseTimeout(Duration.ofMinutes(5)), String.class);
            ctx.anyOf(List.of(fast, slow)).await();
            return fast.await();
        });
        workflows.register("RaceAndCancel", () -> ctx -> {
            Task<String> fast = ctx.callActivity("Fast", null, String.class);
            Task<String> slow = ctx.callActivity("Slow", null, TaskOptions.defaults().withStartToCloseTimeout(Duration.ofMinutes(5)), String.class);
            ctx.anyOf(List.of(fast, slow)).await();
            slow.cancel();
            return fast.await() + " then " + ctx.waitForExternalEvent("Done", String.class).await();
        });
        workflows.register("Generations", () -> ctx -> {
            int generation = ctx.getInput(Integer.class);
            Task<String> poll = ctx.callActivity("Poll", generation, TaskOptions.defaults().withStartToCloseTimeout(Duration.ofMinutes(1)),
                    String.class);
            if (generation == 1) {
                ctx.continueAsNew(2);
            }
            return poll.await();
        });
        gregor = new TopologyFixture(workflows, cacheSize, Retention.NONE);
    }

    @AfterEach
    void close() {
        if (gregor != null) {
            gregor.close();
        }
    }

    /** Advances the wall clock a second at a time, as punctuation every second would see it. */
    private void tick(int seconds) {
        for (int i = 0; i < seconds; i++) {
            gregor.driver.advanceWallClockTime(Duration.ofSeconds(1));
            now = now.plusSeconds(1);
        }
    }

    private List<TaskFailed> failures(String instanceId) {
        return gregor.history(instanceId).stream().map(HistoryEvent::getEvent).filter(TaskFailed.class::isInstance)
                .map(TaskFailed.class::cast).toList();
    }

    private void assertNothingLeftBehind() {
        assertThat(gregor.timers()).as("the timer store").isEmpty();
        assertThat(gregor.attempts()).as("the attempt store").isEmpty();
    }

    @ParameterizedTest(name = "cache size {0}")
    @ValueSource(ints = {100, 0})
    void anAttemptPastItsStartToCloseTimeoutFailsItsWorkerIsCancelledAndTheRetrySucceeds(int cacheSize) {
        startDriver(cacheSize);
        gregor.start("t-1", "Timed", "order");
        ActivityTask first = gregor.tasks.readValue();
        assertThat(first.getDeadline()).isEqualTo(T0.plusSeconds(10));

        tick(9);
        assertThat(failures("t-1")).as("not due after 9 s").isEmpty();
        tick(1);

        assertThat(failures("t-1")).singleElement().satisfies(failed -> {
            assertThat(failed.getFailure().getErrorType()).isEqualTo(TaskOptions.TIMEOUT_ERROR_TYPE);
            assertThat(failed.getFailure().getMessage()).isEqualTo("Expected activity 'Charge' (instance t-1, task 0, attempt 1) to finish"
                    + " within its start-to-close timeout of PT10S from its dispatch at " + T0 + ", but it had not by " + T0.plusSeconds(10));
        });
        assertThat(gregor.cancellations.readKeyValue()).satisfies(kv -> {
            assertThat(kv.key).isEqualTo("t-1/0");
            assertThat(kv.value.getAttempt()).isEqualTo(1);
            assertThat(kv.value.getReason()).contains("start-to-close timeout of PT10S");
        });
        tick(1);
        ActivityTask second = gregor.tasks.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getDeadline()).isEqualTo(now.plusSeconds(10));
        gregor.succeed(second, "charged");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("charged");
        assertNothingLeftBehind();
    }

    @Test
    void aLateResultOfATimedOutAttemptIsIgnored() {
        startDriver(100);
        gregor.start("t-2", "Timed", "order");
        ActivityTask first = gregor.tasks.readValue();
        tick(10);

        gregor.succeed(first, "late, during the backoff");
        tick(1);
        ActivityTask second = gregor.tasks.readValue();
        gregor.succeed(first, "late, during the retry");
        gregor.succeed(second, "charged");

        assertThat(gregor.completions.readValuesToList()).singleElement().satisfies(c -> assertThat(outputOf(c)).isEqualTo("charged"));
        assertThat(gregor.history("t-2").stream().filter(e -> e.getEvent() instanceof TaskCompleted)).hasSize(1);
        assertNothingLeftBehind();
    }

    @ParameterizedTest(name = "cache size {0}")
    @ValueSource(ints = {100, 0})
    void heartbeatsKeepALongAttemptAliveAndTheNextAttemptResumesFromTheLastDetails(int cacheSize) {
        startDriver(cacheSize);
        gregor.start("h-1", "Heartbeating", null);
        ActivityTask first = gregor.tasks.readValue();
        assertThat(first.getHeartbeatTimeoutMillis()).isEqualTo(10_000L);
        assertThat(first.getDeadline()).as("no start-to-close or schedule-to-close timeout").isNull();

        for (int page = 1; page <= 3; page++) {
            tick(8);
            gregor.heartbeat(first, "page " + page, now);
        }
        tick(9);
        assertThat(failures("h-1")).as("alive 33 s after its dispatch, 9 s after its last heartbeat").isEmpty();
        tick(2);

        assertThat(failures("h-1")).singleElement().satisfies(failed -> {
            assertThat(failed.getFailure().getMessage()).isEqualTo("Expected activity 'Import' (instance h-1, task 0, attempt 1) to heartbeat"
                    + " within PT10S, but its last heartbeat was at " + T0.plusSeconds(24));
            assertThat(JSON.deserialize(failed.getHeartbeatDetails(), String.class)).isEqualTo("page 3");
        });
        tick(2);
        ActivityTask second = gregor.tasks.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(JSON.deserialize(second.getHeartbeatDetails(), String.class)).isEqualTo("page 3");
        gregor.succeed(second, "imported");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("imported");
        assertNothingLeftBehind();
    }

    @Test
    void aFailureReportedWithoutDetailsHandsTheLastHeartbeatsDetailsToTheNextAttempt() {
        startDriver(100);
        gregor.start("h-3", "Heartbeating", null);
        ActivityTask first = gregor.tasks.readValue();
        gregor.heartbeat(first, "page 2", T0);

        gregor.report(new ActivityResult(first.getInstanceId(), first.getTaskId(), first.getAttempt(), false, null,
                new FailureDetails("java.io.IOException", "disk full", null, false), "test-worker", null, null));
        tick(1);

        assertThat(JSON.deserialize(gregor.tasks.readValue().getHeartbeatDetails(), String.class)).isEqualTo("page 2");
    }

    @Test
    void heartbeatsOfAnotherAttemptOrOfATimedOutOneChangeNothing() {
        startDriver(100);
        gregor.start("h-4", "Heartbeating", null);
        ActivityTask first = gregor.tasks.readValue();
        tick(5);
        ActivityTask otherAttempt = ActivityTask.newBuilder(first).setAttempt(2).build();
        gregor.heartbeat(otherAttempt, "not mine", now);

        tick(5);
        gregor.heartbeat(first, "too late", now);
        tick(1);

        assertThat(failures("h-4")).singleElement().satisfies(failed -> {
            assertThat(failed.getFailure().getMessage()).endsWith("but it sent none since its dispatch at " + T0);
            assertThat(failed.getHeartbeatDetails()).isNull();
        });
        assertThat(gregor.tasks.readValue().getHeartbeatDetails()).isNull();
    }

    @Test
    void anAttemptThatNeverHeartbeatsTimesOutAHeartbeatTimeoutAfterItsDispatch() {
        startDriver(100);
        gregor.start("h-2", "Heartbeating", null);
        gregor.tasks.readValue();

        tick(10);

        assertThat(failures("h-2")).singleElement().satisfies(failed -> assertThat(failed.getFailure().getMessage())
                .endsWith("to heartbeat within PT10S, but it sent none since its dispatch at " + T0));
    }

    @Test
    void noAttemptStartsAfterTheScheduleToCloseTimeoutAndItsExpiryIsNotRetried() {
        startDriver(100);
        gregor.start("s-1", "Bounded", null);

        tick(40);

        // Attempt 1 times out at 10 s, attempt 2 (from 11 s) at 21 s, attempt 3 (from 22 s) at the overall deadline, 25 s.
        assertThat(gregor.tasks.readValuesToList()).extracting(ActivityTask::getAttempt, ActivityTask::getDeadline).containsExactly(
                tuple(1, T0.plusSeconds(10)), tuple(2, T0.plusSeconds(21)),
                tuple(3, T0.plusSeconds(25)));
        WorkflowCompletion done = gregor.completions.readValue();
        assertThat(outputOf(done)).isEqualTo("Expected activity 'Ship' (instance s-1, task 4, attempt 3) to finish by its schedule-to-close"
                + " deadline " + T0.plusSeconds(25) + ", but it had not; the activity is not retried");
        assertThat(failures("s-1").getLast().getFailure().getNonRetriable()).isTrue();
        assertNothingLeftBehind();
    }

    @ParameterizedTest(name = "cache size {0}")
    @ValueSource(ints = {100, 0})
    void anActivityTheCodeCancelsIsToldToStopItsTimeoutsEndAndItsLateResultIsNotRecorded(int cacheSize) {
        startDriver(cacheSize);
        gregor.start("x-1", "RaceAndCancel", null);
        List<ActivityTask> tasks = gregor.tasks.readValuesToList();

        gregor.succeed(tasks.getFirst(), "won");

        assertThat(gregor.cancellations.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("x-1/1");
            assertThat(kv.value.getReason()).isEqualTo("The code of instance x-1 canceled activity 'Slow' (task 1)");
            assertThat(kv.value.getGeneration()).isZero();
        });
        assertNothingLeftBehind();
        gregor.succeed(tasks.getLast(), "too late");
        gregor.raise("x-1", "Done", "done");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("won then done");
        assertThat(gregor.history("x-1").stream().map(e -> e.getEvent().getClass().getSimpleName()).toList())
                .containsExactly("WorkflowStarted", "TaskScheduled", "TaskScheduled", "TaskCompleted", "TaskCancelRequested", "EventRaised",
                        "WorkflowCompleted");
        assertThat(gregor.cancellations.readValuesToList()).as("the end cancels nothing again").isEmpty();
    }

    @Test
    void terminatingAnInstanceCancelsItsRunningActivitiesAndTheirTimeouts() {
        startDriver(100);
        gregor.start("r-1", "Race", null);
        assertThat(gregor.tasks.readValuesToList()).hasSize(2);

        gregor.control("r-1", new TerminateWorkflow("enough", null, true));

        assertThat(gregor.cancellations.readValuesToList()).extracting(ActivityCancellation::getTaskId, ActivityCancellation::getReason)
                .containsExactly(tuple(0, "Instance r-1 ended TERMINATED"),
                        tuple(1, "Instance r-1 ended TERMINATED"));
        assertNothingLeftBehind();
    }

    @Test
    void aGenerationThatContinuesAsNewCancelsItsActivityButNotTheNextGenerationsWithTheSameTaskId() {
        startDriver(100);
        gregor.start("c-1", "Generations", 1);

        List<ActivityTask> tasks = gregor.tasks.readValuesToList();
        assertThat(tasks).extracting(ActivityTask::getTaskId).containsExactly(0, 0);
        assertThat(gregor.cancellations.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getTaskId()).isZero();
            assertThat(c.getReason()).isEqualTo("Instance c-1 ended CONTINUED_AS_NEW");
            assertThat(c.getGeneration()).as("the ending generation's, so the next one's task 0 runs on").isZero();
        });
        assertThat(gregor.attempts()).as("the second generation's attempt keeps its timeout").singleElement()
                .satisfies(a -> assertThat(a.getScheduledAt()).isEqualTo(T0));
        assertThat(gregor.timers()).hasSize(1);

        gregor.succeed(tasks.getLast(), "polled");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("polled");
        assertNothingLeftBehind();
    }

    @Test
    void anInstanceThatCompletesWhileAnActivityRunsCancelsIt() {
        startDriver(100);
        gregor.start("r-2", "Race", null);
        ActivityTask fast = gregor.tasks.readValuesToList().getFirst();

        gregor.succeed(fast, "won");

        assertThat(gregor.completions.readValue().getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(gregor.cancellations.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("r-2/1");
            assertThat(kv.value.getReason()).isEqualTo("Instance r-2 ended COMPLETED");
        });
        assertNothingLeftBehind();
    }
}

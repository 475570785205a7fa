package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCancelRequested;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat timeout on a real broker with Gregor's own worker: an attempt that stops
 * heartbeating is timed out by the orchestrator, its worker is told through the
 * activity-cancellations topic, its late result is ignored, and the retry resumes from the
 * details of its last heartbeat. And an activity the code cancels (an anyOf's loser) is told
 * while its instance runs on.
 */
class ActivityTimeoutIntegrationTest {
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    /** Whether the hung first attempt learned it was cancelled. */
    private static final CompletableFuture<Boolean> FIRST_ATTEMPT_CANCELLED = new CompletableFuture<>();
    /** The reason the anyOf's loser was given when its heartbeat found it cancelled. */
    private static final CompletableFuture<String> LOSER_CANCELLED = new CompletableFuture<>();

    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("timeouts")
                .workflow("Import", () -> ctx -> ctx.callActivity("ImportPages", null, TaskOptions.withRetryPolicy(
                        RetryPolicy.of(2, Duration.ofMillis(100))).withHeartbeatTimeout(HEARTBEAT_TIMEOUT), String.class).await())
                .activity("ImportPages", ctx -> {
                    if (ctx.getAttempt() == 1) {
                        ctx.heartbeat("page 3");
                        // Hangs without heartbeating until the orchestrator gives up on it (bounded, so a broken build cannot hang).
                        long giveUpAt = System.nanoTime() + TIMEOUT.toNanos();
                        while (!ctx.isCancelled() && System.nanoTime() < giveUpAt) {
                            Thread.sleep(50);
                        }
                        FIRST_ATTEMPT_CANCELLED.complete(ctx.isCancelled());
                        return "late result of attempt 1";
                    }
                    return "resumed from " + ctx.getHeartbeatDetails(String.class).orElse("nothing");
                })
                .workflow("Race", () -> ctx -> {
                    Task<String> fast = ctx.callActivity("Fast", null, String.class);
                    Task<String> slow = ctx.callActivity("Slow", null, String.class);
                    ctx.anyOf(fast, slow).await();
                    slow.cancel();
                    return fast.await() + ", then " + ctx.waitForExternalEvent("Finish", String.class).await();
                })
                .activity("Fast", ctx -> "fast won")
                .activity("Slow", ctx -> {
                    long giveUpAt = System.nanoTime() + TIMEOUT.toNanos();
                    try {
                        while (System.nanoTime() < giveUpAt) {
                            ctx.heartbeat("still working");
                            Thread.sleep(50);
                        }
                    } catch (ActivityCanceledException e) {
                        LOSER_CANCELLED.complete(e.reason());
                    }
                    return "late result of the loser";
                })
                .start();
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anAttemptThatStopsHeartbeatingIsCancelledAndTheRetryResumesFromItsLastDetails() throws Exception {
        String id = app.newInstanceId("import");

        app.client().scheduleNewWorkflow("Import", null, id);
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(String.class)).isEqualTo("resumed from page 3");
        assertThat(FIRST_ATTEMPT_CANCELLED.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("attempt 1 saw its cancellation").isTrue();
        List<Object> events = app.history(id).stream().map(HistoryEvent::getEvent).toList();
        assertThat(events).filteredOn(TaskFailed.class::isInstance).singleElement().satisfies(e -> assertThat(((TaskFailed) e).getFailure()
                .getErrorType()).isEqualTo(TaskOptions.TIMEOUT_ERROR_TYPE));
        assertThat(events).as("the late result of attempt 1 is not recorded").filteredOn(TaskCompleted.class::isInstance).hasSize(1);
    }

    @Test
    void anActivityTheCodeCancelsLearnsItWhileItsInstanceRunsOnAndItsResultIsNotRecorded() throws Exception {
        String id = app.newInstanceId("race");

        app.client().scheduleNewWorkflow("Race", null, id);

        assertThat(LOSER_CANCELLED.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("told by the code's cancel, not by the instance's end")
                .isEqualTo("The code of instance " + id + " canceled activity 'Slow' (task 1)");
        app.client().raiseEvent(id, "Finish", "finished");
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);
        assertThat(state.readOutputAs(String.class)).isEqualTo("fast won, then finished");
        List<Object> events = app.history(id).stream().map(HistoryEvent::getEvent).toList();
        assertThat(events).filteredOn(TaskCancelRequested.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((TaskCancelRequested) e).getTaskId()).isEqualTo(1));
        assertThat(events).as("only the winner's result is recorded").filteredOn(TaskCompleted.class::isInstance).hasSize(1);
    }
}

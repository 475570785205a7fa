package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.schemas.avro.HistoryEvent;
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
 * details of its last heartbeat.
 */
class ActivityTimeoutIntegrationTest {
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    /** Whether the hung first attempt learned it was cancelled. */
    private static final CompletableFuture<Boolean> FIRST_ATTEMPT_CANCELLED = new CompletableFuture<>();

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
}

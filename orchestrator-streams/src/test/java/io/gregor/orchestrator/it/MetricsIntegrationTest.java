package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.PrometheusScrape;
import io.gregor.testkit.Await;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics of docs/metrics.md, scraped over HTTP from a real orchestrator ({@code GET /metrics}
 * on its API) and worker ({@code metricsPort}) after workflows ran on a real broker and registry.
 * Each test uses a workflow name of its own, so the counters it reads start at zero.
 */
class MetricsIntegrationTest {

    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("metrics")
                .workflow("Greeting", () -> ctx -> ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await())
                .workflow("Flaky", () -> ctx -> ctx.callActivity("Fail", "x",
                        TaskOptions.withRetryPolicy(RetryPolicy.of(2, Duration.ofMillis(10))), String.class).await())
                .workflow("Sleeper", () -> ctx -> {
                    ctx.createTimer(Duration.ofHours(1)).await();
                    return "woke";
                })
                .activity("Greet", ctx -> "Hello " + ctx.getInput(String.class))
                .activity("Fail", ctx -> {
                    throw new IllegalStateException("always");
                })
                .workerOptions(worker -> worker.metricsPort(0))
                .start();
    }

    @AfterAll
    static void stopGregor() {
        if (app != null) {
            app.close();
        }
    }

    private static PrometheusScrape orchestrator() {
        return PrometheusScrape.of(app.orchestrator().httpUrl().orElseThrow().resolve("/metrics"));
    }

    private static PrometheusScrape worker() {
        URI url = app.worker().metricsUrl().orElseThrow();
        return PrometheusScrape.of(url);
    }

    private static WorkflowInstanceState run(String workflow, Object input) throws Exception {
        String id = app.client().scheduleNewWorkflow(workflow, input, app.newInstanceId(workflow));
        return app.client().waitForInstanceCompletion(id, TIMEOUT);
    }

    @Test
    void aCompletedWorkflowMovesTheStartedCompletedDurationAndActivityMeters() throws Exception {
        // given
        PrometheusScrape before = orchestrator();
        double completedInstancesBefore = before.valueOrZero("gregor_instances", "status", "COMPLETED");

        // when
        WorkflowInstanceState done = run("Greeting", "metrics");

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(before.valueOrZero("gregor_workflows_started_total", "workflow", "Greeting")).isZero();
        PrometheusScrape after = orchestrator();
        assertThat(after.contentType()).startsWith("text/plain");
        assertThat(after.value("gregor_workflows_started_total", "workflow", "Greeting")).hasValue(1);
        assertThat(after.value("gregor_workflows_completed_total", "workflow", "Greeting", "status", "COMPLETED")).hasValue(1);
        assertThat(after.value("gregor_workflow_duration_seconds_count", "workflow", "Greeting", "status", "COMPLETED")).hasValue(1);
        assertThat(after.value("gregor_workflow_duration_seconds_bucket", "workflow", "Greeting", "status", "COMPLETED", "le", "+Inf"))
                .hasValue(1);
        assertThat(after.value("gregor_instances", "status", "COMPLETED")).hasValue(completedInstancesBefore + 1);
        assertThat(after.valueOrZero("gregor_execution_cache_hits_total") + after.valueOrZero("gregor_execution_cache_misses_total"))
                .isGreaterThan(0);
        assertThat(after.value("gregor_commit_latency_seconds", "stat", "max")).isPresent();
        PrometheusScrape worker = worker();
        assertThat(worker.value("gregor_activity_duration_seconds_count", "activity", "Greet", "outcome", "completed")).hasValue(1);
        assertThat(worker.value("gregor_activity_duration_seconds_sum", "activity", "Greet", "outcome", "completed").orElseThrow())
                .isGreaterThan(0);
        assertThat(worker.value("gregor_task_lag_records")).isPresent();
    }

    @Test
    void aFailingActivityCountsItsRetryItsFailedAttemptsAndTheFailedWorkflow() throws Exception {
        // when
        WorkflowInstanceState failed = run("Flaky", null);

        // then
        assertThat(failed.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
        PrometheusScrape orchestrator = orchestrator();
        assertThat(orchestrator.value("gregor_activity_retries_total", "activity", "Fail")).hasValue(1);
        assertThat(orchestrator.value("gregor_workflows_completed_total", "workflow", "Flaky", "status", "FAILED")).hasValue(1);
        assertThat(worker().value("gregor_activity_duration_seconds_count", "activity", "Fail", "outcome", "failed")).hasValue(2);
    }

    @Test
    void aWaitingTimerAndItsRunningInstanceAreCountedUntilTheInstanceIsTerminated() throws Exception {
        // given
        double timersBefore = orchestrator().valueOrZero("gregor_timers_pending");
        double runningBefore = orchestrator().valueOrZero("gregor_instances", "status", "RUNNING");
        String id = app.client().scheduleNewWorkflow("Sleeper", null, app.newInstanceId("sleeper"));
        app.client().waitForInstanceStart(id, TIMEOUT);
        Await.until(TIMEOUT, () -> orchestrator().valueOrZero("gregor_timers_pending") == timersBefore + 1,
                () -> "the sleeper's timer to be counted");
        double runningWhileAsleep = orchestrator().valueOrZero("gregor_instances", "status", "RUNNING");

        // when
        app.client().terminateWorkflow(id, null, "metrics test");
        app.client().waitForInstanceCompletion(id, TIMEOUT);

        // then
        assertThat(runningWhileAsleep).isEqualTo(runningBefore + 1);
        PrometheusScrape after = orchestrator();
        assertThat(after.value("gregor_timers_pending")).hasValue(timersBefore);
        assertThat(after.value("gregor_instances", "status", "RUNNING")).hasValue(runningBefore);
        assertThat(after.value("gregor_workflows_completed_total", "workflow", "Sleeper", "status", "TERMINATED")).hasValue(1);
    }

    @Test
    void anUnreadableStartIsCountedAsAnUnreadableDeadLetter() {
        // given
        double before = orchestrator().valueOrZero("gregor_dead_letters_total", "reason", "unreadable", "source", "orchestrator");
        String key = app.newInstanceId("garbage");

        // when
        app.produceRaw(app.topics().starts(), key, "not avro".getBytes(StandardCharsets.UTF_8));
        app.awaitDeadLetter(key);

        // then
        assertThat(orchestrator().value("gregor_dead_letters_total", "reason", "unreadable", "source", "orchestrator"))
                .hasValue(before + 1);
    }
}

package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static io.gregor.orchestrator.it.support.KafkaReads.summaries;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.Task;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Suspend, resume and purge end to end on a real broker and registry: control records go to the
 * control topic as the client and the HTTP API write them; outcomes are read back from Kafka (the
 * history changelog, the completion and status topics).
 */
class LifecycleIntegrationTest {
    private static final DataConverter JSON = DataConverter.defaultConverter();
    private static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);
    private static final CountDownLatch SLOW_RELEASED = new CountDownLatch(1);

    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("lifecycle")
                .partitions(2)
                .workflow("SlowThenTimer", () -> ctx -> {
                    Task<String> slow = ctx.callActivity("Slow", ctx.getInput(String.class), String.class);
                    Task<Void> timer = ctx.createTimer(Duration.ofSeconds(1));
                    String result = slow.await();
                    timer.await();
                    return result;
                })
                .workflow("Echo", () -> ctx -> ctx.getInput(String.class))
                .activity("Slow", ctx -> {
                    SLOW_STARTED.countDown();
                    if (!SLOW_RELEASED.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("Expected the test to release the activity, but it never did");
                    }
                    return "slow " + ctx.getInput(String.class);
                })
                .start();
    }

    @AfterAll
    static void stopGregor() throws Exception {
        SLOW_RELEASED.countDown();
        if (app != null) {
            app.close();
        }
    }

    private static void control(String instanceId, Object action) {
        app.awaitProcessed(app.produce(app.topics().control(), instanceId, new WorkflowControl(instanceId, action)));
    }

    /** Waits for what the orchestrator does on its own (a result recorded, a timer fired), checking the changelog. */
    private static void await(String what, BooleanSupplier condition) {
        Await.until(TIMEOUT, condition, () -> what);
    }

    @Test
    void aSuspendedInstanceRecordsItsResultAndTimerAndRunsOnlyWhenResumed() throws Exception {
        // given an instance whose activity is running and whose timer comes due in a second
        String id = app.newInstanceId("suspend");
        app.client().scheduleNewWorkflow("SlowThenTimer", "x", id);
        assertThat(SLOW_STARTED.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the activity started").isTrue();

        // when it is suspended, then the activity finishes and the timer comes due
        control(id, new SuspendWorkflow("maintenance"));
        SLOW_RELEASED.countDown();
        await("the result and the timer recorded", () -> summaries(app.history(id)).contains("TimerFired(1)")
                && summaries(app.history(id)).contains("TaskCompleted(0)"));

        // then nothing ran: no completion while suspended
        assertThat(app.completions(id)).isEmpty();

        // when it is resumed
        control(id, new ResumeWorkflow("done"));
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

        // then both held inputs were fed to it, once
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(String.class)).isEqualTo("slow x");
        List<String> history = summaries(app.history(id));
        assertThat(history.subList(0, 4)).containsExactly("WorkflowStarted(SlowThenTimer)", "TaskScheduled(0, Slow, attempt 1)",
                "TimerCreated(1)", "WorkflowSuspended");
        assertThat(history.subList(4, 6)).containsExactlyInAnyOrder("TaskCompleted(0)", "TimerFired(1)");
        assertThat(history.subList(6, history.size())).containsExactly("WorkflowResumed", "WorkflowCompleted");
        assertThat(app.completions(id)).hasSize(1);
    }

    @Test
    void aPurgedInstanceIsForgottenAndItsIdStartsAgain() throws Exception {
        // given a completed instance
        String id = app.newInstanceId("purge");
        app.client().scheduleNewWorkflow("Echo", "first", id);
        app.client().waitForInstanceCompletion(id, TIMEOUT);

        // when it is purged
        control(id, new PurgeWorkflow(true));

        // then its history is tombstoned and its status key deleted
        assertThat(app.history(id)).isEmpty();
        List<ConsumerRecord<byte[], byte[]>> statuses = KafkaReads.readAll(app.bootstrapServers(), app.topics().status()).stream()
                .filter(r -> id.equals(KafkaReads.keyText(r))).toList();
        assertThat(statuses.getLast().value()).as("the last status record of the purged id").isNull();

        // and the same id starts again and completes
        app.client().scheduleNewWorkflow("Echo", "second", id);
        await("the second run's completion", () -> app.completions(id).size() == 2);
        assertThat(app.completions(id)).extracting(WorkflowCompletion::getOutput).extracting(p -> JSON.deserialize(p, String.class))
                .containsExactly("first", "second");
        assertThat(summaries(app.history(id))).containsExactly("WorkflowStarted(Echo)", "WorkflowCompleted");
    }
}

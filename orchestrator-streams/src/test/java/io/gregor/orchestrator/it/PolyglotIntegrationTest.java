package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.NodeProgram;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testkit.Await;
import io.gregor.worker.ActivityWorker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interoperability without a Gregor SDK (docs/polyglot.md): the Node.js program of
 * {@code interop/node} (KafkaJS and Confluent's schema-registry client only) starts workflows,
 * raises their events, reads their completions, and serves the activities of a task queue inside
 * workflows whose other activities run on Java workers — on the real broker and registry.
 */
class PolyglotIntegrationTest {
    private static final DataConverter JSON = DataConverter.defaultConverter();
    /** A second Java worker, on a named queue of its own, next to the app's default-queue worker. */
    private static ActivityWorker jvmQueueWorker;
    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("polyglot")
                .orchestratorOptions(o -> o.taskQueues("node", "crash", "jvm"))
                .workflow("Mixed", () -> ctx -> {
                    String greeted = ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await();
                    String shouted = ctx.callActivity("Shout", greeted, TaskOptions.onTaskQueue("node"), String.class).await();
                    return ctx.callActivity("Wrap", shouted, TaskOptions.onTaskQueue("jvm"), String.class).await();
                })
                .workflow("Approval", () -> ctx -> "approved " + ctx.getInput(String.class) + " by "
                        + ctx.waitForExternalEvent("approval", String.class).await())
                .workflow("ShoutThenWait", () -> ctx -> {
                    String queue = ctx.getInput(String.class);
                    String shouted = ctx.callActivity("Shout", "hello", TaskOptions.onTaskQueue(queue), String.class).await();
                    ctx.waitForExternalEvent("done", Void.class).await();
                    return shouted;
                })
                .workflow("Nowhere", () -> ctx -> {
                    try {
                        return ctx.callActivity("Shout", "x", TaskOptions.onTaskQueue("nowhere"), String.class).await();
                    } catch (TaskFailedException e) {
                        return e.getFailureDetails().errorMessage();
                    }
                })
                .activity("Greet", ctx -> "hello " + ctx.getInput(String.class))
                .start();
        jvmQueueWorker = ActivityWorker.builder()
                .bootstrapServers(app.bootstrapServers())
                .schemaRegistryUrl(app.schemaRegistryUrl())
                .topicPrefix(app.topics().prefix())
                .taskQueue("jvm")
                .registerActivity("Wrap", ctx -> "[" + ctx.getInput(String.class) + "]")
                .shutdownTimeout(Duration.ofSeconds(5))
                .build();
        jvmQueueWorker.start();
    }

    @AfterAll
    static void stopGregor() {
        if (jvmQueueWorker != null) {
            jvmQueueWorker.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aWorkflowRunsOneActivityOnTheNodeWorkerAndTheOthersOnJavaWorkers() throws Exception {
        NodeProgram node = NodeProgram.install(app);
        try (NodeProgram.Running worker = node.start(Map.of(), "worker", "node")) {
            worker.await("that it serves the node queue", line -> line.has("serving"));
            String id = app.client().scheduleNewWorkflow("Mixed", "ada", app.newInstanceId("mixed"));

            WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

            assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(state.readOutputAs(String.class)).isEqualTo("[HELLO ADA!]");
            JsonNode ran = worker.await("that it ran Shout of " + id, line -> line.has("completed") && id.equals(line.path("instanceId").asText()));
            assertThat(ran.path("succeeded").asBoolean()).isTrue();
            assertThat(scheduled(id)).extracting(TaskScheduled::getActivityName, TaskScheduled::getTaskQueue)
                    .containsExactly(tuple("Greet", null), tuple("Shout", "node"), tuple("Wrap", "jvm"));
        }
    }

    @Test
    void theNodeClientStartsAWorkflowRaisesItsEventAndReadsItsCompletion() throws Exception {
        NodeProgram node = NodeProgram.install(app);
        String id = app.newInstanceId("approval");

        assertThat(node.run("start", "Approval", id, "\"order-7\"")).hasSize(1);
        app.client().waitForInstanceStart(id, TIMEOUT);
        node.run("raise", id, "approval", "\"alice\"");
        List<JsonNode> completion = node.run("await", id);

        assertThat(completion).hasSize(1);
        assertThat(completion.getFirst().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(completion.getFirst().path("output").asText()).isEqualTo("approved order-7 by alice");
    }

    @Test
    void aNodeWorkerKilledMidTaskHasTheTaskRedeliveredAndItsResultRecordedOnce() throws Exception {
        NodeProgram node = NodeProgram.install(app);
        String id = app.newInstanceId("crash");
        int taskId;
        try (NodeProgram.Running doomed = node.start(Map.of("GREGOR_ACTIVITY_DELAY_MS", "600000"), "worker", "crash")) {
            doomed.await("that it serves the crash queue", line -> line.has("serving"));
            app.client().scheduleNewWorkflow("ShoutThenWait", "crash", id);
            taskId = doomed.await("that it started Shout of " + id, line -> id.equals(line.path("instanceId").asText())
                    && line.has("running")).path("taskId").asInt();

            doomed.kill();
        }
        try (NodeProgram.Running successor = node.start(Map.of(), "worker", "crash")) {
            JsonNode rerun = successor.await("that it ran the redelivered task", line -> id.equals(line.path("instanceId").asText())
                    && line.has("completed"));
            assertThat(rerun.path("taskId").asInt()).isEqualTo(taskId);
            awaitHistory(id, events -> !completions(events, taskId).isEmpty());
            // A late duplicate of the result, as a worker that died after writing it but before committing its task would send.
            RecordMetadata duplicate = app.produce(app.topics().activityResults(), id, ActivityResult.newBuilder().setInstanceId(id)
                    .setTaskId(taskId).setSucceeded(true).setOutput(JSON.serialize("DUPLICATE")).setWorkerId("late").build());
            app.awaitProcessed(duplicate);
            app.client().raiseEvent(id, "done", null);

            WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

            assertThat(state.readOutputAs(String.class)).isEqualTo("HELLO!");
            assertThat(completions(app.history(id), taskId)).hasSize(1);
        }
    }

    @Test
    void anActivityOnAnUndeclaredTaskQueueFailsAtOnceNamingTheQueue() throws Exception {
        String id = app.client().scheduleNewWorkflow("Nowhere", null, app.newInstanceId("nowhere"));

        WorkflowInstanceState state = app.client().waitForInstanceCompletion(id, TIMEOUT);

        assertThat(state.readOutputAs(String.class))
                .startsWith("Expected activity 'Shout' (task 0 of instance " + id + ") on a task queue the orchestrator declares [crash, jvm, node]")
                .contains("but found 'nowhere'");
    }

    private static List<TaskScheduled> scheduled(String id) {
        return app.history(id).stream().map(HistoryEvent::getEvent).filter(TaskScheduled.class::isInstance).map(TaskScheduled.class::cast)
                .toList();
    }

    private static List<TaskCompleted> completions(List<HistoryEvent> events, int taskId) {
        return events.stream().map(HistoryEvent::getEvent).filter(TaskCompleted.class::isInstance).map(TaskCompleted.class::cast)
                .filter(c -> c.getTaskId() == taskId).toList();
    }

    private static void awaitHistory(String id, Predicate<List<HistoryEvent>> condition) {
        Await.until(TIMEOUT, () -> condition.test(app.history(id)), () -> "the history of " + id + " to record the task's result");
    }
}

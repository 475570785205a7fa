package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static io.gregor.orchestrator.it.support.KafkaReads.summaries;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Saga;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflow patterns of DESIGN §1 on a real broker and registry, end to end: client →
 * orchestrator → worker → orchestrator → client. Outcomes are read back from Kafka (the status
 * topic through the client, the history changelog, the task topic), never from the engine's
 * memory.
 */
class WorkflowPatternsIntegrationTest {
    private static final int FAN_OUT = 1_000;
    private static final int TASK_PARTITIONS = 8;
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(200);
    private static final DataConverter JSON = DataConverter.defaultConverter();

    /** What activities ran, per instance, in the order the worker ran them. */
    private static final Map<String, List<String>> CALLS = new ConcurrentHashMap<>();

    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("patterns")
                .partitions(4)
                .taskPartitions(TASK_PARTITIONS)
                .workflow("Chain", () -> ctx -> {
                    String greeted = ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await();
                    String shouted = ctx.callActivity("Upper", greeted, String.class).await();
                    return ctx.callActivity("Exclaim", shouted, String.class).await();
                })
                .workflow("FanOut", () -> ctx -> {
                    int n = ctx.getInput(Integer.class);
                    List<Task<Integer>> squares = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        squares.add(ctx.callActivity("Square", i, Integer.class));
                    }
                    return ctx.allOf(squares).await().stream().mapToLong(Integer::longValue).sum();
                })
                .workflow("Approval", () -> ctx -> {
                    Duration timeout = Duration.ofSeconds(ctx.getInput(Integer.class));
                    try {
                        return "approved by " + ctx.waitForExternalEvent("approval", timeout, String.class).await();
                    } catch (TaskCanceledException e) {
                        return "timed out";
                    }
                })
                .workflow("Sleeper", () -> ctx -> {
                    Instant before = ctx.getCurrentInstant();
                    ctx.createTimer(Duration.ofSeconds(1)).await();
                    return Duration.between(before, ctx.getCurrentInstant()).toMillis();
                })
                .workflow("Retry", () -> ctx -> ctx.callActivity("Flaky", null,
                        TaskOptions.withRetryPolicy(RetryPolicy.of(3, RETRY_INTERVAL)), String.class).await())
                .workflow("Trip", () -> ctx -> {
                    Saga saga = new Saga(ctx);
                    for (String item : List.of("A", "B", "C")) {
                        ctx.callActivity("Book" + item, item, String.class).await();
                        saga.addCompensation("Undo" + item, item);
                    }
                    try {
                        ctx.callActivity("Pay", 100, TaskOptions.withRetryPolicy(RetryPolicy.of(2, Duration.ofMillis(100))),
                                String.class).await();
                        return "paid";
                    } catch (TaskFailedException e) {
                        saga.compensate();
                        return "compensated after: " + e.getFailureDetails().errorMessage();
                    }
                })
                .activity("Greet", ctx -> "Hello " + ctx.getInput(String.class))
                .activity("Upper", ctx -> ctx.getInput(String.class).toUpperCase(Locale.ROOT))
                .activity("Exclaim", ctx -> ctx.getInput(String.class) + "!")
                .activity("Square", ctx -> {
                    int i = ctx.getInput(Integer.class);
                    return i * i;
                })
                .activity("Flaky", ctx -> {
                    recordCall(ctx.getInstanceId(), "Flaky#" + ctx.getAttempt());
                    // Decided by the attempt number, not a counter, so a redelivered attempt behaves the same.
                    if (ctx.getAttempt() < 3) {
                        throw new IllegalStateException("flaky failure on attempt " + ctx.getAttempt());
                    }
                    return "succeeded on attempt " + ctx.getAttempt();
                })
                .activity("BookA", ctx -> booked(ctx.getInstanceId(), "BookA"))
                .activity("BookB", ctx -> booked(ctx.getInstanceId(), "BookB"))
                .activity("BookC", ctx -> booked(ctx.getInstanceId(), "BookC"))
                .activity("Pay", ctx -> {
                    recordCall(ctx.getInstanceId(), "Pay");
                    throw new IllegalStateException("card declined");
                })
                .activity("UndoA", ctx -> booked(ctx.getInstanceId(), "UndoA"))
                .activity("UndoB", ctx -> booked(ctx.getInstanceId(), "UndoB"))
                .activity("UndoC", ctx -> booked(ctx.getInstanceId(), "UndoC"))
                .start();
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private static void recordCall(String instanceId, String what) {
        CALLS.computeIfAbsent(instanceId, k -> Collections.synchronizedList(new ArrayList<>())).add(what);
    }

    private static String booked(String instanceId, String what) {
        recordCall(instanceId, what);
        return what + " done";
    }

    private static WorkflowInstanceState awaitCompleted(String instanceId) throws Exception {
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(instanceId, TIMEOUT);
        assertThat(state.getRuntimeStatus()).as("status of %s (%s)", instanceId, state).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        return state;
    }

    @Test
    void chainedActivitiesPassEachOutputToTheNextAndRecordExactlyTheirEvents() throws Exception {
        // given
        String id = app.newInstanceId("chain");

        // when
        app.client().scheduleNewWorkflow("Chain", "gregor", id);
        WorkflowInstanceState state = awaitCompleted(id);

        // then
        assertThat(state.readOutputAs(String.class)).isEqualTo("HELLO GREGOR!");
        List<HistoryEvent> history = app.history(id);
        assertThat(summaries(history)).containsExactly(
                "WorkflowStarted(Chain)",
                "TaskScheduled(0, Greet, attempt 1)", "TaskCompleted(0)",
                "TaskScheduled(1, Upper, attempt 1)", "TaskCompleted(1)",
                "TaskScheduled(2, Exclaim, attempt 1)", "TaskCompleted(2)",
                "WorkflowCompleted");
        // Each activity's input is exactly the previous activity's recorded output.
        assertThat(JSON.deserialize(((TaskScheduled) history.get(1).getEvent()).getInput(), String.class)).isEqualTo("gregor");
        assertThat(((TaskScheduled) history.get(3).getEvent()).getInput()).isEqualTo(((TaskCompleted) history.get(2).getEvent()).getOutput());
        assertThat(((TaskScheduled) history.get(5).getEvent()).getInput()).isEqualTo(((TaskCompleted) history.get(4).getEvent()).getOutput());
        assertThat(state.getHistoryLength()).isEqualTo(history.size());
        assertThat(app.completions(id)).hasSize(1);
    }

    @Test
    void aThousandWayFanOutSpreadsOverEveryTaskPartitionAndCompletesEachTaskOnce() throws Exception {
        // given
        String id = app.newInstanceId("fan-out");

        // when
        app.client().scheduleNewWorkflow("FanOut", FAN_OUT, id);
        WorkflowInstanceState state = awaitCompleted(id);

        // then: the sum of squares 0..999 came back through allOf
        long expectedSum = IntStream.range(0, FAN_OUT).mapToLong(i -> (long) i * i).sum();
        assertThat(state.readOutputAs(Long.class)).isEqualTo(expectedSum);

        // and: one committed task record per task id, spread over every partition of the task topic
        List<ConsumerRecord<String, ActivityTask>> tasks = KafkaReads.readAllAvro(app.bootstrapServers(), app.schemaRegistryUrl(),
                        app.topics().activityTasks(), ActivityTask.class).stream()
                .filter(r -> id.equals(r.value().getInstanceId()))
                .toList();
        assertThat(tasks).extracting(r -> r.value().getTaskId())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, FAN_OUT).boxed().toList());
        assertThat(tasks.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .as("task-topic partitions used by one instance's fan-out")
                .isEqualTo(IntStream.range(0, TASK_PARTITIONS).boxed().collect(Collectors.toSet()));

        // and: every task id has exactly one TaskScheduled and one TaskCompleted in the history
        List<HistoryEvent> history = app.history(id);
        Map<Integer, Long> completedPerTask = history.stream()
                .filter(e -> e.getEvent() instanceof TaskCompleted)
                .collect(Collectors.groupingBy(e -> ((TaskCompleted) e.getEvent()).getTaskId(), Collectors.counting()));
        assertThat(completedPerTask.keySet()).isEqualTo(IntStream.range(0, FAN_OUT).boxed().collect(Collectors.toSet()));
        assertThat(completedPerTask.values()).allMatch(count -> count == 1L);
        assertThat(history.stream().filter(e -> e.getEvent() instanceof TaskScheduled)).hasSize(FAN_OUT);
        assertThat(history).hasSize(1 + 2 * FAN_OUT + 1);
        assertThat(app.completions(id)).hasSize(1);
    }

    @Test
    void anExternalEventRaisedBeforeItsTimeoutApprovesTheRequest() throws Exception {
        // given: a request that waits up to a minute for approval
        String id = app.newInstanceId("approved");
        app.client().scheduleNewWorkflow("Approval", 60, id);
        app.client().waitForInstanceStart(id, TIMEOUT);

        // when
        app.client().raiseEvent(id, "approval", "alice");

        // then
        WorkflowInstanceState state = awaitCompleted(id);
        assertThat(state.readOutputAs(String.class)).isEqualTo("approved by alice");
        assertThat(summaries(app.history(id))).containsExactly(
                "WorkflowStarted(Approval)", "TimerCreated(0)", "EventRaised(approval)", "TimerCancelled(0)", "WorkflowCompleted");
    }

    @Test
    void anExternalEventThatDoesNotArriveTimesOutOnADurableTimer() throws Exception {
        // given: a request that waits two seconds for an approval nobody sends
        String id = app.newInstanceId("timed-out");

        // when
        app.client().scheduleNewWorkflow("Approval", 2, id);

        // then
        WorkflowInstanceState state = awaitCompleted(id);
        assertThat(state.readOutputAs(String.class)).isEqualTo("timed out");
        List<HistoryEvent> history = app.history(id);
        assertThat(summaries(history)).containsExactly(
                "WorkflowStarted(Approval)", "TimerCreated(0)", "TimerFired(0)", "WorkflowCompleted");
        // The timeout was waited for, not cut short.
        Instant started = history.get(0).getTimestamp();
        assertThat(((TimerCreated) history.get(1).getEvent()).getFireAt()).isEqualTo(started.plusSeconds(2));
        assertThat(history.get(2).getTimestamp()).isAfterOrEqualTo(started.plusSeconds(2));
    }

    @Test
    void aDurableTimerDelaysTheWorkflowByItsDurationInWorkflowTime() throws Exception {
        // given
        String id = app.newInstanceId("sleeper");

        // when
        app.client().scheduleNewWorkflow("Sleeper", null, id);

        // then: the code saw at least one second pass between before and after the timer
        WorkflowInstanceState state = awaitCompleted(id);
        assertThat(state.readOutputAs(Long.class)).isGreaterThanOrEqualTo(1_000L);
        List<HistoryEvent> history = app.history(id);
        assertThat(summaries(history)).containsExactly("WorkflowStarted(Sleeper)", "TimerCreated(0)", "TimerFired(0)", "WorkflowCompleted");
        Instant started = history.get(0).getTimestamp();
        TimerFired fired = (TimerFired) history.get(2).getEvent();
        assertThat(fired.getFireAt()).isEqualTo(started.plusSeconds(1));
        assertThat(state.readOutputAs(Long.class)).isEqualTo(Duration.between(started, history.get(2).getTimestamp()).toMillis());
    }

    @Test
    void anActivityThatFailsTwiceSucceedsOnItsThirdAttemptAfterDurableBackoffs() throws Exception {
        // given
        String id = app.newInstanceId("retry");

        // when
        app.client().scheduleNewWorkflow("Retry", null, id);

        // then
        WorkflowInstanceState state = awaitCompleted(id);
        assertThat(state.readOutputAs(String.class)).isEqualTo("succeeded on attempt 3");
        List<HistoryEvent> history = app.history(id);
        assertThat(summaries(history)).containsExactly(
                "WorkflowStarted(Retry)",
                "TaskScheduled(0, Flaky, attempt 1)", "TaskFailed(0)", "TimerCreated(1)", "TimerFired(1)",
                "TaskScheduled(2, Flaky, attempt 2)", "TaskFailed(2)", "TimerCreated(3)", "TimerFired(3)",
                "TaskScheduled(4, Flaky, attempt 3)", "TaskCompleted(4)",
                "WorkflowCompleted");
        // Each backoff timer is due one retry interval after the failure it follows.
        for (int failedAt : List.of(2, 6)) {
            TaskFailed failed = (TaskFailed) history.get(failedAt).getEvent();
            assertThat(failed.getFailure().getErrorType()).isEqualTo(IllegalStateException.class.getName());
            TimerCreated backoff = (TimerCreated) history.get(failedAt + 1).getEvent();
            assertThat(backoff.getFireAt()).isEqualTo(history.get(failedAt).getTimestamp().plus(RETRY_INTERVAL));
            assertThat(history.get(failedAt + 2).getTimestamp()).isAfterOrEqualTo(backoff.getFireAt());
        }
        assertThat(CALLS.get(id)).containsExactly("Flaky#1", "Flaky#2", "Flaky#3");
    }

    @Test
    void whenPaymentExhaustsItsRetriesTheSagaCompensatesTheBookingsInReverseOrder() throws Exception {
        // given
        String id = app.newInstanceId("trip");

        // when
        app.client().scheduleNewWorkflow("Trip", null, id);

        // then: the workflow decided to end normally, reporting the compensation
        WorkflowInstanceState state = awaitCompleted(id);
        assertThat(state.readOutputAs(String.class)).isEqualTo("compensated after: card declined");

        // and: the history scheduled the compensations last-booked-first
        List<HistoryEvent> history = app.history(id);
        assertThat(history.stream().map(HistoryEvent::getEvent).filter(TaskScheduled.class::isInstance).map(TaskScheduled.class::cast)
                .map(t -> t.getActivityName() + "#" + t.getAttempt()))
                .containsExactly("BookA#1", "BookB#1", "BookC#1", "Pay#1", "Pay#2", "UndoC#1", "UndoB#1", "UndoA#1");
        assertThat(history.stream().filter(e -> e.getEvent() instanceof TaskFailed)).hasSize(2);

        // and: the worker ran them in that order too
        assertThat(CALLS.get(id)).containsExactly("BookA", "BookB", "BookC", "Pay", "Pay", "UndoC", "UndoB", "UndoA");
        assertThat(app.completions(id)).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo(RuntimeStatus.COMPLETED));
    }
}

package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.JSON;
import static io.gregor.orchestrator.internal.TopologyFixture.outputOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The topology with a hand-driven wall clock: timers fire because time is advanced, never by sleeping. */
class OrchestratorTopologyTest {
    private static final Instant T0 = TopologyFixture.T0;
    private static final AtomicBoolean CHANGED_CODE = new AtomicBoolean();

    private final Topics topics = new Topics("ttd");
    private TopologyFixture gregor;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ExternalEvent> events;
    private TestInputTopic<byte[], byte[]> rawStarts;
    private TestInputTopic<byte[], byte[]> rawInbox;
    private TestOutputTopic<String, ActivityTask> tasks;
    private TestOutputTopic<String, WorkflowStatus> statuses;
    private TestOutputTopic<String, WorkflowCompletion> completions;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void startDriver(int cacheSize) {
        WorkflowRegistry workflows = new WorkflowRegistry();
        workflows.register("Sleeper", () -> ctx -> {
            ctx.createTimer(Duration.ofMinutes(5)).await();
            return "woke at " + ctx.getCurrentInstant();
        });
        workflows.register("Approval", () -> ctx -> {
            try {
                return "approved by " + ctx.waitForExternalEvent("approval", Duration.ofHours(1), String.class).await();
            } catch (TaskCanceledException e) {
                return "timed out";
            }
        });
        workflows.register("Chain", () -> ctx -> {
            String a = ctx.callActivity(CHANGED_CODE.get() ? "Changed" : "A", ctx.getInput(String.class), String.class).await();
            return ctx.callActivity("B", a, String.class).await();
        });
        workflows.register("Retry", () -> ctx -> ctx.callActivity("Flaky", null,
                TaskOptions.withRetryPolicy(RetryPolicy.of(3, Duration.ofSeconds(10))), String.class).await());
        gregor = new TopologyFixture(workflows, cacheSize, Retention.NONE);
        driver = gregor.driver;
        events = gregor.events;
        tasks = gregor.tasks;
        statuses = gregor.statuses;
        completions = gregor.completions;
        deadLetters = gregor.deadLetters;
        rawStarts = driver.createInputTopic(topics.starts(), new ByteArraySerializer(), new ByteArraySerializer(), T0, Duration.ZERO);
        rawInbox = driver.createInputTopic(topics.inbox(), new ByteArraySerializer(), new ByteArraySerializer(), T0, Duration.ZERO);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        CHANGED_CODE.set(false);
    }

    private void start(String id, String workflow, Object input) {
        gregor.start(id, workflow, input);
    }

    private void succeed(ActivityTask task, Object output) {
        gregor.succeed(task, output);
    }

    private void fail(ActivityTask task) {
        gregor.report(new ActivityResult(task.getInstanceId(), task.getTaskId(), task.getAttempt(), false,
                null, new FailureDetails("java.io.IOException", "flaky", null, false), "test-worker", null, null));
    }

    private List<HistoryEvent> history(String instanceId) {
        return gregor.history(instanceId);
    }

    @Test
    void aDurableTimerFiresOnlyWhenWallClockTimeReachesIt() {
        startDriver(100);
        start("sleep-1", "Sleeper", null);

        driver.advanceWallClockTime(Duration.ofMinutes(4));
        assertThat(completions.isEmpty()).as("not due after 4 minutes").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        WorkflowCompletion done = completions.readValue();
        assertThat(done.getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(outputOf(done)).isEqualTo("woke at " + T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void anEventBeforeTheTimeoutWinsAndTheLaterTimerChangesNothing() {
        startDriver(100);
        start("appr-1", "Approval", null);
        events.pipeInput("appr-1", new ExternalEvent("appr-1", "Approval", JSON.serialize("alice")));

        driver.advanceWallClockTime(Duration.ofHours(2));

        assertThat(completions.readValuesToList()).singleElement().satisfies(c -> assertThat(outputOf(c)).isEqualTo("approved by alice"));
    }

    @Test
    void withoutTheEventTheTimeoutFires() {
        startDriver(100);
        start("appr-2", "Approval", null);

        driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertThat(completions.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(outputOf(completions.readValue())).isEqualTo("timed out");
    }

    @Test
    void aStepWritesOneHistoryRecordAndTheInstanceRecordOnlyWhenItsStatusChanges() {
        // given
        startDriver(100);
        TestOutputTopic<byte[], byte[]> historyChangelog = driver.createOutputTopic("ttd-" + HistoryRepository.STORE + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TestOutputTopic<byte[], byte[]> instancesChangelog = driver.createOutputTopic("ttd-" + InstanceRepository.STORE + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());

        // when the start runs (WorkflowStarted, TaskScheduled) and the first result completes A and schedules B
        start("steps-1", "Chain", "x");
        assertThat(historyChangelog.readValuesToList()).as("history records of the start").hasSize(1);
        assertThat(instancesChangelog.readValuesToList()).as("instance records of the start").hasSize(1);
        succeed(tasks.readValue(), "a");

        // then the step is one history record of two events, and the instance is not rewritten
        assertThat(historyChangelog.readValuesToList()).as("history records of the step").hasSize(1);
        assertThat(instancesChangelog.readValuesToList()).as("instance records of the step").isEmpty();
        assertThat(history("steps-1")).hasSize(4);

        // and the completing step writes the instance again, with the history's length
        succeed(tasks.readValue(), "b");
        assertThat(instancesChangelog.readValuesToList()).as("instance records of the last step").hasSize(1);
        assertThat(statuses.readValuesToList()).last().satisfies(s -> assertThat(s.getHistoryLength()).isEqualTo(6));
    }

    @Test
    void aChainRunsStepByStepAndADuplicateResultIsNotRecordedTwice() {
        startDriver(100);
        start("chain-1", "Chain", "x");
        TestRecord<String, ActivityTask> first = tasks.readRecord();
        succeed(first.value(), "a");
        int historyAfterFirstResult = history("chain-1").size();

        succeed(first.value(), "a"); // redelivered result
        ActivityTask second = tasks.readValue();
        succeed(second, "b");

        assertThat(first.key()).isEqualTo("chain-1/0");
        assertThat(first.value().getActivityName()).isEqualTo("A");
        assertThat(second.getActivityName()).isEqualTo("B");
        assertThat(JSON.deserialize(second.getInput(), String.class)).isEqualTo("a");
        assertThat(tasks.isEmpty()).as("the duplicate scheduled nothing").isTrue();
        assertThat(history("chain-1")).hasSize(historyAfterFirstResult + 2); // TaskCompleted(B), WorkflowCompleted
        assertThat(completions.readValuesToList()).singleElement().satisfies(c -> assertThat(outputOf(c)).isEqualTo("b"));
    }

    @Test
    void aRetryWaitsForItsBackoffOnTheWallClock() {
        startDriver(100);
        start("retry-1", "Retry", null);
        fail(tasks.readValue());

        driver.advanceWallClockTime(Duration.ofSeconds(9));
        assertThat(tasks.isEmpty()).as("still backing off").isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        ActivityTask secondAttempt = tasks.readValue();
        succeed(secondAttempt, "ok");

        assertThat(secondAttempt.getAttempt()).isEqualTo(2);
        assertThat(outputOf(completions.readValue())).isEqualTo("ok");
    }

    @Test
    void aRecordThatIsNotAvroGoesToTheDeadLetterTopicWithTheReasonAndProcessingGoesOn() {
        startDriver(100);
        rawStarts.pipeInput("bad-1".getBytes(StandardCharsets.UTF_8), "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        start("sleep-2", "Sleeper", null);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"not\":\"avro\"}");
        assertThat(header(dead, "gregor.error.reason")).contains("Expected magic byte 0").contains("0x7b");
        assertThat(header(dead, "gregor.error.topic")).isEqualTo(topics.starts());
        assertThat(statuses.readValuesToList()).extracting(WorkflowStatus::getInstanceId).containsExactly("sleep-2");
    }

    @Test
    void anInboxRecordThatDoesNotSayWhatItIsGoesToTheDeadLetterTopic() {
        startDriver(100);
        rawInbox.pipeInput("what-1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 1});
        start("sleep-3", "Sleeper", null);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, "gregor.error.reason")).isEqualTo("Expected a gregor.input header of start|event|control|result|heartbeat|timer|rerun|child on "
                + topics.inbox() + ", but found none");
        assertThat(header(dead, "gregor.error.topic")).isEqualTo(topics.inbox());
        assertThat(statuses.readValuesToList()).extracting(WorkflowStatus::getInstanceId).containsExactly("sleep-3");
    }

    @Test
    void aStartForAnUnregisteredWorkflowEndsFailedNamingIt() {
        startDriver(100);
        start("nope-1", "NoSuchWorkflow", null);

        WorkflowCompletion done = completions.readValue();
        assertThat(done.getStatus()).isEqualTo(RuntimeStatus.FAILED);
        assertThat(done.getFailure().getMessage()).contains("'NoSuchWorkflow'").contains("Approval", "Chain", "Retry", "Sleeper");
    }

    @Test
    void aSecondStartForARunningInstanceChangesNothing() {
        startDriver(100);
        start("dup-1", "Chain", "first");
        List<HistoryEvent> before = history("dup-1");

        start("dup-1", "Sleeper", "second");

        assertThat(history("dup-1")).isEqualTo(before);
        assertThat(tasks.readValuesToList()).hasSize(1);
        assertThat(header(deadLetters.readRecord(), "gregor.error.reason"))
                .isEqualTo("Expected no instance with id 'dup-1', but found one RUNNING (workflow 'Chain', created " + T0
                        + "); the duplicate start was ignored");
    }

    @Test
    void changedCodeStallsTheInstanceWithTheNonDeterminismErrorAndFixedCodeRecoversIt() {
        startDriver(0); // no cache: every step replays, as after a restart
        start("nd-1", "Chain", "x");
        ActivityTask first = tasks.readValue();
        CHANGED_CODE.set(true);

        succeed(first, "a");

        WorkflowStatus stalled = statuses.readValuesToList().getLast();
        assertThat(stalled.getStatus()).isEqualTo(RuntimeStatus.STALLED);
        assertThat(stalled.getFailure().getMessage()).contains("at sequence id 0 expected TaskScheduled(id=0, activity='A')")
                .contains("ScheduleTask(id=0, activity='Changed'");
        assertThat(tasks.isEmpty()).isTrue();

        CHANGED_CODE.set(false); // "deploy the fix", then any new input resumes it
        events.pipeInput("nd-1", new ExternalEvent("nd-1", "poke", null));
        ActivityTask second = tasks.readValue();
        succeed(second, "b");

        assertThat(second.getActivityName()).isEqualTo("B");
        assertThat(outputOf(completions.readValue())).isEqualTo("b");
    }

    @Test
    void resumingAStalledInstanceAfterTheFixRunsItOnWithoutWaitingForAnInput() {
        startDriver(0);
        start("nd-2", "Chain", "x");
        ActivityTask first = tasks.readValue();
        CHANGED_CODE.set(true);
        succeed(first, "a");
        gregor.control("nd-2", new ResumeWorkflow("still broken"));
        assertThat(gregor.instance("nd-2").getStatus()).isEqualTo(RuntimeStatus.STALLED);
        assertThat(tasks.isEmpty()).isTrue();

        CHANGED_CODE.set(false); // "deploy the fix"
        gregor.control("nd-2", new ResumeWorkflow("fixed"));

        assertThat(gregor.instance("nd-2").getStatus()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(gregor.instance("nd-2").getFailure()).isNull();
        ActivityTask second = tasks.readValue();
        assertThat(second.getActivityName()).isEqualTo("B");
        succeed(second, "b");
        assertThat(outputOf(completions.readValue())).isEqualTo("b");
    }

    @Test
    void theHistoryIsTheSameWithAndWithoutTheExecutionCache() {
        List<List<HistoryEvent>> histories = new ArrayList<>();
        for (int cacheSize : new int[] {100, 0}) {
            startDriver(cacheSize);
            start("same-1", "Chain", "x");
            succeed(tasks.readValue(), "a");
            succeed(tasks.readValue(), "b");
            start("same-2", "Retry", null);
            fail(tasks.readValue());
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            succeed(tasks.readValue(), "ok");
            histories.add(new ArrayList<>(history("same-1")));
            histories.getLast().addAll(history("same-2"));
            driver.close();
            driver = null;
        }

        assertThat(histories.get(0)).hasSize(6 + 8).isEqualTo(histories.get(1));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return TopologyFixture.header(record, name);
    }
}

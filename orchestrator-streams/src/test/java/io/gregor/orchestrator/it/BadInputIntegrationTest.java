package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static io.gregor.orchestrator.it.support.KafkaReads.header;
import static io.gregor.orchestrator.it.support.KafkaReads.summaries;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.FailureDetails;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.CapturingAppender;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.payload.DataConverter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §7 on a real broker and registry: unreadable or invalid inputs get a precise error (a
 * dead letter with the reason, a FAILED status, or a warning for a result nobody waits for), and
 * the orchestrator goes on processing. Duplicates change nothing (DESIGN §4, exactly-once).
 */
class BadInputIntegrationTest {
    private static final DataConverter JSON = DataConverter.defaultConverter();
    private static final String REASON = "gregor.error.reason";

    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("badinput")
                .workflow("Echo", () -> ctx -> "echo: " + ctx.callActivity("Echo", ctx.getInput(String.class), String.class).await())
                .workflow("AwaitApproval", () -> ctx -> ctx.getInput(String.class) + " approved by "
                        + ctx.waitForExternalEvent("approval", String.class).await())
                .workflow("EchoThenWait", () -> ctx -> {
                    String echoed = ctx.callActivity("Echo", ctx.getInput(String.class), String.class).await();
                    ctx.waitForExternalEvent("continue", Void.class).await();
                    return echoed;
                })
                .activity("Echo", ctx -> ctx.getInput(String.class))
                .start();
    }

    @AfterAll
    static void stopGregor() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private static WorkflowInstanceState awaitTerminal(String instanceId, WorkflowRuntimeStatus expected) throws Exception {
        WorkflowInstanceState state = app.client().waitForInstanceCompletion(instanceId, TIMEOUT);
        assertThat(state.getRuntimeStatus()).as("status of %s (%s)", instanceId, state).isEqualTo(expected);
        return state;
    }

    @Test
    void aStartThatIsNotAvroIsDeadLetteredWithTheMagicByteProblemAndTheNextStartStillRuns() throws Exception {
        // given: JSON where the Confluent wire format is expected
        String badKey = app.newInstanceId("raw-json");
        byte[] json = ("{\"instanceId\":\"" + badKey + "\",\"workflowName\":\"Echo\"}").getBytes(StandardCharsets.UTF_8);
        // The valid start shares the bad record's partition, so it is processed after it by the same task.
        String goodId = app.newInstanceIdOnPartitionOf("after-raw-json", badKey);

        // when
        RecordMetadata bad = app.produceRaw(app.topics().starts(), badKey, json);
        app.client().scheduleNewWorkflow("Echo", "still alive", goodId);

        // then: the bad record is on the dead-letter topic, unchanged, with the reason
        ConsumerRecord<byte[], byte[]> deadLetter = app.awaitDeadLetter(badKey);
        assertThat(deadLetter.value()).isEqualTo(json);
        assertThat(header(deadLetter, REASON)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("Expected magic byte 0")
                .contains("0x7b")
                .contains(app.topics().starts()));
        assertThat(header(deadLetter, "gregor.error.topic")).contains(app.topics().starts());
        assertThat(header(deadLetter, "gregor.error.partition")).contains(Integer.toString(bad.partition()));
        assertThat(header(deadLetter, "gregor.error.offset")).contains(Long.toString(bad.offset()));

        // and: processing went on
        WorkflowInstanceState good = awaitTerminal(goodId, WorkflowRuntimeStatus.COMPLETED);
        assertThat(good.readOutputAs(String.class)).isEqualTo("echo: still alive");
        assertThat(app.client().getInstanceState(badKey)).isEmpty();
        assertThat(app.history(badKey)).isEmpty();
    }

    @Test
    void startingAnUnregisteredWorkflowFailsTheInstanceWithAMessageNamingIt() throws Exception {
        // given
        String id = app.newInstanceId("unregistered");

        // when
        app.client().scheduleNewWorkflow("NoSuchWorkflow", "input", id);

        // then
        WorkflowInstanceState state = awaitTerminal(id, WorkflowRuntimeStatus.FAILED);
        FailureDetails failure = state.getFailureDetails();
        assertThat(failure).isNotNull();
        assertThat(failure.errorMessage()).contains("'NoSuchWorkflow'").contains("Echo");
        assertThat(summaries(app.history(id))).containsExactly("WorkflowStarted(NoSuchWorkflow)", "WorkflowFailed(io.gregor.WorkflowNotRegistered)");
        assertThat(app.completions(id)).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(RuntimeStatus.FAILED);
            assertThat(c.getFailure().getMessage()).contains("'NoSuchWorkflow'");
        });
    }

    @Test
    void aSecondStartForARunningInstanceChangesNothingAndIsExplainedOnTheDeadLetterTopic() throws Exception {
        // given: an instance waiting for an event
        String id = app.newInstanceId("twice-started");
        app.client().scheduleNewWorkflow("AwaitApproval", "first", id);
        app.client().waitForInstanceStart(id, TIMEOUT);
        List<HistoryEvent> before = app.history(id);
        assertThat(summaries(before)).containsExactly("WorkflowStarted(AwaitApproval)");

        // when: a second start with the same id, another workflow and another input
        app.produce(app.topics().starts(), id, StartWorkflow.newBuilder().setInstanceId(id).setWorkflowName("Echo").setInput(JSON.serialize("second"))
                .setRequestedBy("test").build());

        // then: a dead letter explains it, and the history is untouched
        ConsumerRecord<byte[], byte[]> deadLetter = app.awaitDeadLetter(id);
        assertThat(header(deadLetter, REASON)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("Expected no instance with id '" + id + "'")
                .contains("RUNNING")
                .contains("AwaitApproval"));
        assertThat(app.history(id)).isEqualTo(before);
        WorkflowInstanceState running = app.client().getInstanceState(id).orElseThrow();
        assertThat(running.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.RUNNING);
        assertThat(running.getName()).isEqualTo("AwaitApproval");
        assertThat(running.readInputAs(String.class)).isEqualTo("first");

        // and: the first run goes on with its own input
        app.client().raiseEvent(id, "approval", "bob");
        WorkflowInstanceState done = awaitTerminal(id, WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(String.class)).isEqualTo("first approved by bob");
        assertThat(summaries(app.history(id))).containsExactly("WorkflowStarted(AwaitApproval)", "EventRaised(approval)", "WorkflowCompleted");
        assertThat(app.completions(id)).hasSize(1);
    }

    @Test
    void anActivityResultForAnUnknownInstanceIsDroppedWithAWarningAndProcessingGoesOn() throws Exception {
        // given
        String ghost = app.newInstanceId("ghost");
        String id = app.newInstanceIdOnPartitionOf("after-ghost", ghost);
        CapturingAppender warnings = CapturingAppender.attachTo("io.gregor.orchestrator.internal.ResultHandler");
        try {
            // when: a result nobody asked for, then a normal workflow on the same partition
            RecordMetadata result = app.produceResult(new ActivityResult(ghost, 0, 1, true, JSON.serialize("boo"), null, "test-worker", null, null));
            app.client().scheduleNewWorkflow("Echo", "normal", id);

            // then: the normal workflow completed and the ghost result was consumed
            assertThat(awaitTerminal(id, WorkflowRuntimeStatus.COMPLETED).readOutputAs(String.class)).isEqualTo("echo: normal");
            app.awaitProcessed(result);

            // and: the ghost left no trace but a warning
            assertThat(app.client().getInstanceState(ghost)).isEmpty();
            assertThat(app.completions(ghost)).isEmpty();
            assertThat(app.history(ghost)).isEmpty();
            assertThat(warnings.messages(Level.WARN)).anySatisfy(message -> assertThat(message)
                    .contains("unknown instance " + ghost));
        } finally {
            warnings.detach();
        }
    }

    @Test
    void aDuplicatedActivityResultAddsNoHistoryEntryAndNoSecondCompletion() throws Exception {
        // given: an instance whose only task completed, now waiting for an event
        String id = app.newInstanceId("duplicate-result");
        app.client().scheduleNewWorkflow("EchoThenWait", "once", id);
        ConsumerRecord<byte[], byte[]> original = KafkaReads.awaitRecord(app.bootstrapServers(), app.topics().inbox(),
                r -> id.equals(KafkaReads.keyText(r)) && KafkaReads.header(r, InputKind.HEADER).equals(Optional.of("result")), TIMEOUT);
        app.awaitProcessed(original.topic(), original.partition(), original.offset());
        List<HistoryEvent> before = app.history(id);
        assertThat(summaries(before)).containsExactly("WorkflowStarted(EchoThenWait)", "TaskScheduled(0, Echo, attempt 1)",
                "TaskCompleted(0)");

        // when: the very same result arrives again while the instance runs
        app.awaitProcessed(app.produceRaw(app.topics().inbox(), id, original.value(), InputKind.RESULT));

        // then
        assertThat(app.history(id)).isEqualTo(before);

        // when: the instance finishes, and the result arrives a third time
        app.client().raiseEvent(id, "continue", null);
        WorkflowInstanceState done = awaitTerminal(id, WorkflowRuntimeStatus.COMPLETED);
        List<HistoryEvent> finished = app.history(id);
        app.awaitProcessed(app.produceRaw(app.topics().inbox(), id, original.value(), InputKind.RESULT));

        // then: one TaskCompleted, one completion, nothing after the end
        assertThat(done.readOutputAs(String.class)).isEqualTo("once");
        assertThat(summaries(finished)).containsExactly("WorkflowStarted(EchoThenWait)", "TaskScheduled(0, Echo, attempt 1)",
                "TaskCompleted(0)", "EventRaised(continue)", "WorkflowCompleted");
        assertThat(app.history(id)).isEqualTo(finished);
        assertThat(app.completions(id)).hasSize(1);
        assertThat(app.client().getInstanceState(id).orElseThrow().getHistoryLength()).isEqualTo(finished.size());
    }
}

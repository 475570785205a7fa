package io.gregor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.internal.PayloadJson;
import io.gregor.orchestrator.internal.engine.NonDeterministicWorkflowException;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.testing.internal.HistoryJson;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

class WorkflowReplayerTest {

    @Test
    void aHistoryReplaysAgainstTheCodeThatRecordedIt() {
        // given
        String history = record(TestWorkflows.TwoGreetings.class, "ada");

        // when / then
        assertThatCode(() -> new WorkflowReplayer().registerWorkflow(TestWorkflows.TwoGreetings.class).replay(history)).doesNotThrowAnyException();
    }

    @Test
    void changedCodeFailsWithTheEnginesMessageNamingTheSequenceIdAndBothCommands() {
        // given
        String history = record(TestWorkflows.TwoGreetings.class, "ada");
        WorkflowReplayer replayer = new WorkflowReplayer().registerWorkflow("TwoGreetings", TestWorkflows.TwoGreetingsChanged::new);

        // when / then
        assertThatThrownBy(() -> replayer.replay(history)).isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageStartingWith("Non-deterministic workflow (instance TwoGreetings-1 of workflow TwoGreetings): at sequence id 1 expected"
                        + " TimerCreated(id=1, fireAt=2026-01-01T01:00:00Z) (from history), but the code issued CreateTimer(id=1,"
                        + " fireAt=2026-01-02T00:00:00Z)");
    }

    @Test
    void aHistoryWithRetriesFailuresAndAPatchReplays() {
        // given: a failed attempt (TaskFailed with its failure details) and a patch (WorkflowPatched)
        String retried = record(TestWorkflows.RetryingGreeter.class, "ada");
        String patched = record(TestWorkflows.Patched.class, "ada");
        assertThat(retried).contains("TaskFailed");
        assertThat(patched).contains("WorkflowPatched");

        // when / then
        WorkflowReplayer replayer = new WorkflowReplayer().registerWorkflow(TestWorkflows.RetryingGreeter.class)
                .registerWorkflow(TestWorkflows.Patched.class);
        assertThatCode(() -> replayer.replay(retried)).doesNotThrowAnyException();
        assertThatCode(() -> replayer.replay(patched)).doesNotThrowAnyException();
    }

    @Test
    void everyEventReadBackFromTheExportIsWrittenAgainAsTheSameJson() {
        for (String history : List.of(record(TestWorkflows.TwoGreetings.class, "ada"), record(TestWorkflows.RetryingGreeter.class, "ada"),
                record(TestWorkflows.Patched.class, "ada"))) {
            // given
            JsonNode export = json(history);

            // when
            List<HistoryEvent> events = HistoryJson.read(history).generations().getFirst();

            // then
            assertThat(HistoryJson.export(export.get("instanceId").asText(), export.get("workflowName").asText(), events)).isEqualTo(export);
        }
    }

    @Test
    void theCliFollowOutputOfOneEventPerLineReplaysAsDoesABareArray() {
        // given
        JsonNode export = json(record(TestWorkflows.TwoGreetings.class, "ada"));
        StringJoiner lines = new StringJoiner("\n");
        export.get("events").forEach(event -> lines.add(event.toString()));
        WorkflowReplayer replayer = new WorkflowReplayer().registerWorkflow("TwoGreetings", TestWorkflows.TwoGreetingsChanged::new);

        // when / then: the changed code is caught in both forms
        assertThatThrownBy(() -> replayer.replay(lines + "\n-- continued as new --\n")).isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageContaining("instance " + WorkflowReplayer.UNNAMED_INSTANCE).hasMessageContaining("at sequence id 1");
        assertThatThrownBy(() -> replayer.replay(export.get("events").toString())).isInstanceOf(NonDeterministicWorkflowException.class);
    }

    @Test
    void anEventKindThisVersionDoesNotKnowIsRefusedNamingIt() {
        // given
        ObjectNode export = (ObjectNode) json(record(TestWorkflows.TwoGreetings.class, "ada"));
        ((ObjectNode) ((ArrayNode) export.get("events")).get(2)).put("type", "WorkflowTeleported");

        // when / then
        assertThatThrownBy(() -> new WorkflowReplayer().registerWorkflow(TestWorkflows.TwoGreetings.class).replay(export.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected a history event type this version of Gregor knows (")
                .hasMessageContaining("but event 2 (WorkflowTeleported) has type 'WorkflowTeleported'");
    }

    @Test
    void aHistoryOfAWorkflowThatIsNotRegisteredIsRefusedNamingIt() {
        String history = record(TestWorkflows.TwoGreetings.class, "ada");

        assertThatThrownBy(() -> new WorkflowReplayer().registerWorkflow(TestWorkflows.Sleeper.class).replay(history))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a workflow registered as 'TwoGreetings' to replay instance TwoGreetings-1, but the replayer has only [Sleeper]");
    }

    /** Runs one instance of {@code type} to its end (the Greet stub fails each call's first attempt) and exports its history. */
    private static String record(Class<? extends io.gregor.client.workflow.Workflow> type, String input) {
        try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder().registerWorkflow(type)
                .registerActivity(TestWorkflows.GREET, ctx -> {
                    if (type == TestWorkflows.RetryingGreeter.class && ctx.getAttempt() == 1) {
                        throw new IllegalStateException("first attempts fail");
                    }
                    return "Hello " + ctx.getInput(String.class);
                }).build()) {
            String id = env.start(type, input);
            env.waitForCompletion(id);
            return env.exportHistory(id);
        }
    }

    private static JsonNode json(String text) {
        try {
            return PayloadJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

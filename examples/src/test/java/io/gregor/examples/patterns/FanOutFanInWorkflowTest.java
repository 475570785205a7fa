package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.testing.WorkflowTestEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fan-out/fan-in in the workflow test environment: one activity per word, all scheduled before any result, then summed. */
class FanOutFanInWorkflowTest {

    @Test
    void sumsTheLettersOfEveryWordCountedInParallel() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String[] words = {"durable", "workflows", "on", "kafka", "streams"};

            // when
            String id = env.start(FanOutFanInWorkflow.class, words);
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(Integer.class)).isEqualTo(7 + 9 + 2 + 5 + 7);
            List<String> types = env.getHistory(id).stream().map(WorkflowHistoryEvent::type).toList();
            assertThat(types.subList(1, 1 + words.length)).as("all fanned out before the first result: %s", types)
                    .containsOnly("TaskScheduled");
        }
    }

    @Test
    void oneFailedCountFailsTheSum() {
        // given: a counter that cannot count one word
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of(FanOutFanInWorkflow.COUNT_LETTERS, ctx -> {
            String word = ctx.getInput(String.class);
            if (word.equals("on")) {
                throw new IllegalArgumentException("Expected a word of three letters or more, but found '" + word + "'");
            }
            return word.length();
        }))) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(FanOutFanInWorkflow.class, null));

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.FAILED);
            assertThat(done.getFailureDetails().errorMessage()).contains("but found 'on'");
        }
    }
}

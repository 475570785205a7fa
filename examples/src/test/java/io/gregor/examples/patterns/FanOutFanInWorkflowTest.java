package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fan-out/fan-in on a real broker and registry: one activity per word, all scheduled before any result, then summed. */
@ExtendWith(PatternsStack.class)
class FanOutFanInWorkflowTest {

    @Test
    void sumsTheLettersOfEveryWordCountedInParallel(ExampleStack stack) throws Exception {
        // given
        String[] words = {"durable", "workflows", "on", "kafka", "streams"};

        // when
        String id = stack.client().scheduleNewWorkflow(FanOutFanInWorkflow.class, words);
        WorkflowInstanceState done = stack.awaitCompletion(id);

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(Integer.class)).isEqualTo(7 + 9 + 2 + 5 + 7);
        List<String> types = stack.client().getHistory(id).orElseThrow().stream().map(WorkflowHistoryEvent::type).toList();
        assertThat(types.subList(1, 1 + words.length)).as("all fanned out before the first result: %s", types)
                .containsOnly("TaskScheduled");
    }
}

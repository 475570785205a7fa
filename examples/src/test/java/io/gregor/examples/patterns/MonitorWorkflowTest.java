package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The monitor on a real broker and registry: check, sleep on a durable timer, continue as new. */
@ExtendWith(PatternsStack.class)
class MonitorWorkflowTest {

    @Test
    void continuesAsNewAfterEachCheckSoTheLastGenerationHoldsOnlyItsOwnHistory(ExampleStack stack) throws Exception {
        // given two checks: one generation sleeps INTERVAL and continues as new, the next one ends
        String id = stack.client().scheduleNewWorkflow(MonitorWorkflow.class, 2);

        // when
        WorkflowInstanceState done = stack.awaitCompletion(id);

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(String.class)).isEqualTo("monitoring done: healthy");
        assertThat(done.readInputAs(Integer.class)).as("the last generation's input").isEqualTo(1);
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("healthy, 0 checks left");
        List<String> types = stack.client().getHistory(id).orElseThrow().stream().map(WorkflowHistoryEvent::type).toList();
        assertThat(types).as("history of the last generation only").doesNotContain("TimerCreated", "TimerFired");
    }
}

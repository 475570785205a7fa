package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Task chaining on a real broker and registry: each greeting's output is the next one's input. */
@ExtendWith(PatternsStack.class)
class ChainingWorkflowTest {

    @Test
    void eachActivityAppendsToTheOutputOfThePreviousOne(ExampleStack stack) throws Exception {
        // given
        String id = stack.client().scheduleNewWorkflow(ChainingWorkflow.class, "Hi!");

        // when
        WorkflowInstanceState done = stack.awaitCompletion(id);

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(String.class)).isEqualTo("Hi! Hello Tokyo! Hello Seattle! Hello London!");
    }
}

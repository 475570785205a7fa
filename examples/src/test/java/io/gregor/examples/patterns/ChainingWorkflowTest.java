package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.examples.patterns.ChainingWorkflow.Greeting;
import io.gregor.testing.WorkflowTestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task chaining in the workflow test environment: each greeting's output is the next one's input. */
class ChainingWorkflowTest {

    @Test
    void eachActivityAppendsToTheOutputOfThePreviousOne() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ChainingWorkflow.class, "Hi!");

            // when
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String.class)).isEqualTo("Hi! Hello Tokyo! Hello Seattle! Hello London!");
        }
    }

    @Test
    void aStubbedActivityGetsWhatThePreviousCallAnswered() {
        // given: a stub that answers the city alone
        List<Greeting> calls = new ArrayList<>();
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of(ChainingWorkflow.SAY_HELLO, ctx -> {
            Greeting greeting = ctx.getInput(Greeting.class);
            calls.add(greeting);
            return greeting.city();
        }))) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(ChainingWorkflow.class, null));

            // then
            assertThat(done.readOutputAs(String.class)).isEqualTo("London");
            assertThat(calls).containsExactly(new Greeting("", "Tokyo"), new Greeting("Tokyo", "Seattle"), new Greeting("Seattle", "London"));
        }
    }
}

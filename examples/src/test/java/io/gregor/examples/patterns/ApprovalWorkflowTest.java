package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.examples.ExampleStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Human interaction on a real broker and registry: an approval event, or a durable timeout. */
@ExtendWith(PatternsStack.class)
class ApprovalWorkflowTest {

    @Test
    void theApprovalEventEndsTheWaitWithTheApproversName(ExampleStack stack) throws Exception {
        // given
        String id = stack.client().scheduleNewWorkflow(ApprovalWorkflow.class, 3600);
        stack.client().waitForInstanceStart(id, ExampleStack.TIMEOUT);

        // when
        stack.client().raiseEvent(id, ApprovalWorkflow.EVENT, "alice");

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(String.class)).isEqualTo("approved by alice");
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approved");
    }

    @Test
    void withoutAnApprovalTheWaitTimesOut(ExampleStack stack) throws Exception {
        // when
        String id = stack.client().scheduleNewWorkflow(ApprovalWorkflow.class, 1);

        // then
        WorkflowInstanceState done = stack.awaitCompletion(id);
        assertThat(done.readOutputAs(String.class)).isEqualTo("not approved within 1 s");
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("timed out");
    }
}

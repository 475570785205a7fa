package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowInstanceState;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.testing.WorkflowTestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Human interaction in the workflow test environment: an approval event, or a durable timeout that passes at once. */
class ApprovalWorkflowTest {

    @Test
    void theApprovalEventEndsTheWaitWithTheApproversName() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            String id = env.start(ApprovalWorkflow.class, 3600);
            assertThat(env.getInstanceState(id).orElseThrow().readCustomStatusAs(String.class)).isEqualTo("waiting for approval");

            // when
            env.raiseEvent(id, ApprovalWorkflow.EVENT, "alice");

            // then
            WorkflowInstanceState done = env.waitForCompletion(id);
            assertThat(done.readOutputAs(String.class)).isEqualTo("approved by alice");
            assertThat(done.readCustomStatusAs(String.class)).isEqualTo("approved");
            assertThat(env.currentTime()).as("no time passed").isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME);
        }
    }

    @Test
    void withoutAnApprovalAThirtyDayWaitTimesOutOnTheEnvironmentsClock() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given
            int thirtyDays = (int) Duration.ofDays(30).toSeconds();

            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(ApprovalWorkflow.class, thirtyDays));

            // then
            assertThat(done.readOutputAs(String.class)).isEqualTo("not approved within " + thirtyDays + " s");
            assertThat(done.readCustomStatusAs(String.class)).isEqualTo("timed out");
            assertThat(env.currentTime()).isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME.plus(Duration.ofDays(30)));
        }
    }

    @Test
    void anApprovalThatArrivesBeforeTheTimeoutWinsEvenLate() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given: the default one-hour wait, 59 minutes in
            String id = env.start(ApprovalWorkflow.class, null);
            env.skip(Duration.ofMinutes(59));

            // when
            env.raiseEvent(id, ApprovalWorkflow.EVENT, "bob");

            // then
            assertThat(env.waitForCompletion(id).readOutputAs(String.class)).isEqualTo("approved by bob");
        }
    }
}

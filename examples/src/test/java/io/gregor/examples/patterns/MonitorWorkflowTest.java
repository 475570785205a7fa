package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.testing.WorkflowTestEnvironment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The monitor in the workflow test environment: check, sleep on a durable timer, continue as new. */
class MonitorWorkflowTest {

    @Test
    void continuesAsNewAfterEachCheckSoTheLastGenerationHoldsOnlyItsOwnHistory() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // given three checks: two generations sleep INTERVAL and continue as new, the last one ends
            String id = env.start(MonitorWorkflow.class, 3);

            // when
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String.class)).isEqualTo("monitoring done: healthy");
            assertThat(done.readInputAs(Integer.class)).as("the last generation's input").isEqualTo(1);
            assertThat(done.readCustomStatusAs(String.class)).isEqualTo("healthy, 0 checks left");
            assertThat(env.currentTime()).isEqualTo(WorkflowTestEnvironment.DEFAULT_START_TIME.plus(MonitorWorkflow.INTERVAL.multipliedBy(2)));
            List<String> types = env.getHistory(id).stream().map(WorkflowHistoryEvent::type).toList();
            assertThat(types).as("history of the last generation only").doesNotContain("TimerCreated", "TimerFired");
        }
    }

    @Test
    void eachGenerationChecksOnceAndReportsWhatTheCheckSaw() {
        // given: a health check that degrades
        AtomicInteger checks = new AtomicInteger();
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of(MonitorWorkflow.CHECK_HEALTH,
                ctx -> checks.incrementAndGet() < 3 ? "healthy" : "degraded"))) {
            // when
            WorkflowInstanceState done = env.waitForCompletion(env.start(MonitorWorkflow.class, 3));

            // then
            assertThat(checks).hasValue(3);
            assertThat(done.readOutputAs(String.class)).isEqualTo("monitoring done: degraded");
        }
    }
}

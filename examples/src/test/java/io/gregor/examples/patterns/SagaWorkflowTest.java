package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleEnvironments;
import io.gregor.examples.patterns.SagaWorkflow.Trip;
import io.gregor.examples.patterns.SagaWorkflow.TripResult;
import io.gregor.testing.WorkflowTestEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The saga in the workflow test environment: compensations run in reverse order when a step fails. */
class SagaWorkflowTest {

    @Test
    void aTripWhoseStepsAllSucceedIsBookedWithoutCompensations() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // when
            String id = env.start(SagaWorkflow.class, new Trip("ada", "Paris"));
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(TripResult.class)).isEqualTo(new TripResult(true, "trip to Paris booked"));
            assertThat(activitiesScheduled(env, id)).containsExactly(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.BOOK_CAR);
        }
    }

    @Test
    void whenTheCarCannotBeBookedTheHotelThenTheFlightAreCancelled() {
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of())) {
            // when
            String id = env.start(SagaWorkflow.class, new Trip("ada", "Atlantis"));
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            TripResult result = done.readOutputAs(TripResult.class);
            assertThat(result.booked()).isFalse();
            assertThat(result.message()).contains("cancelled", "Expected a car available in Atlantis");
            assertThat(done.readCustomStatusAs(String.class)).isEqualTo("compensated");
            assertThat(activitiesScheduled(env, id)).containsExactly(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.BOOK_CAR,
                    SagaWorkflow.CANCEL_HOTEL, SagaWorkflow.CANCEL_FLIGHT);
        }
    }

    @Test
    void whenTheHotelIsFullOnlyTheFlightIsCancelled() {
        // given: a stubbed hotel that is full
        try (WorkflowTestEnvironment env = ExampleEnvironments.patterns(Map.of(SagaWorkflow.BOOK_HOTEL, ctx -> {
            throw new IllegalStateException("Expected a free room, but the hotel is full");
        }))) {
            // when
            String id = env.start(SagaWorkflow.class, new Trip("ada", "Paris"));
            WorkflowInstanceState done = env.waitForCompletion(id);

            // then
            assertThat(done.readOutputAs(TripResult.class).message()).contains("the hotel is full");
            assertThat(activitiesScheduled(env, id)).containsExactly(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.CANCEL_FLIGHT);
        }
    }

    private static List<String> activitiesScheduled(WorkflowTestEnvironment env, String id) {
        return env.getHistory(id).stream().filter(event -> event.type().equals("TaskScheduled")).map(WorkflowHistoryEvent::name).toList();
    }
}

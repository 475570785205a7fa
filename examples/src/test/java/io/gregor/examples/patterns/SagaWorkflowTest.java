package io.gregor.examples.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.examples.ExampleStack;
import io.gregor.examples.patterns.SagaWorkflow.Trip;
import io.gregor.examples.patterns.SagaWorkflow.TripResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The saga on a real broker and registry: compensations run in reverse order when a step fails. */
@ExtendWith(PatternsStack.class)
class SagaWorkflowTest {

    @Test
    void aTripWhoseStepsAllSucceedIsBookedWithoutCompensations(ExampleStack stack) throws Exception {
        // when
        String id = stack.client().scheduleNewWorkflow(SagaWorkflow.class, new Trip("ada", "Paris"));
        WorkflowInstanceState done = stack.awaitCompletion(id);

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(TripResult.class)).isEqualTo(new TripResult(true, "trip to Paris booked"));
        assertThat(activitiesScheduled(stack, id))
                .containsExactly(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.BOOK_CAR);
    }

    @Test
    void whenTheCarCannotBeBookedTheHotelThenTheFlightAreCancelled(ExampleStack stack) throws Exception {
        // when
        String id = stack.client().scheduleNewWorkflow(SagaWorkflow.class, new Trip("ada", "Atlantis"));
        WorkflowInstanceState done = stack.awaitCompletion(id);

        // then
        assertThat(done.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        TripResult result = done.readOutputAs(TripResult.class);
        assertThat(result.booked()).isFalse();
        assertThat(result.message()).contains("cancelled", "Expected a car available in Atlantis");
        assertThat(done.readCustomStatusAs(String.class)).isEqualTo("compensated");
        assertThat(activitiesScheduled(stack, id)).containsExactly(SagaWorkflow.BOOK_FLIGHT, SagaWorkflow.BOOK_HOTEL, SagaWorkflow.BOOK_CAR,
                SagaWorkflow.CANCEL_HOTEL, SagaWorkflow.CANCEL_FLIGHT);
    }

    private static List<String> activitiesScheduled(ExampleStack stack, String id) {
        return stack.client().getHistory(id).orElseThrow().stream()
                .filter(event -> event.type().equals("TaskScheduled"))
                .map(WorkflowHistoryEvent::name)
                .toList();
    }
}

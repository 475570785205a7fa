package io.gregor.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.workflow.Saga;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.examples.patterns.SagaWorkflow;
import io.gregor.examples.patterns.SagaWorkflow.Trip;
import io.gregor.examples.patterns.SagaWorkflow.TripResult;
import io.gregor.orchestrator.internal.engine.NonDeterministicWorkflowException;
import io.gregor.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden histories: every recorded history in {@value GoldenHistories#DIRECTORY} replays against
 * the current code of its workflow, so a change that instances already running could not replay
 * fails here, with the message an orchestrator would stall them with. See {@link GoldenHistories}
 * for recording them.
 */
class GoldenHistoryTest {
    private static final Path DIRECTORY = Path.of(GoldenHistories.DIRECTORY);

    @BeforeAll
    static void recordWhenAsked() throws IOException {
        if (Boolean.getBoolean(GoldenHistories.RECORD_PROPERTY)) {
            GoldenHistories.record(DIRECTORY);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenHistoryReplaysAgainstTheCurrentCode() throws IOException {
        WorkflowReplayer replayer = ExampleEnvironments.replayer();
        return files().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> replayer.replay(file)));
    }

    @Test
    void everyRunHasItsGoldenHistory() throws IOException {
        assertThat(files()).extracting(file -> file.getFileName().toString().replaceFirst("\\.json$", ""))
                .containsExactlyInAnyOrderElementsOf(GoldenHistories.runs().keySet());
    }

    @Test
    void aSagaThatBooksTheHotelBeforeTheFlightNoLongerReplaysTheRecordedTrips() {
        // given: the recorded saga, and a deployment whose saga books in another order
        WorkflowReplayer replayer = new WorkflowReplayer().registerWorkflow(SagaWorkflow.class.getSimpleName(), HotelFirstSaga::new);

        // when / then
        assertThatThrownBy(() -> replayer.replay(DIRECTORY.resolve("saga-compensated.json")))
                .isInstanceOf(NonDeterministicWorkflowException.class)
                .hasMessageStartingWith("Non-deterministic workflow (instance SagaWorkflow-1 of workflow SagaWorkflow): at sequence id 0 expected"
                        + " TaskScheduled(id=0, activity='BookFlight') (from history), but the code issued ScheduleTask(id=0,"
                        + " activity='BookHotel', attempt=1)");
        assertThatCode(() -> ExampleEnvironments.replayer().replay(DIRECTORY.resolve("saga-compensated.json"))).doesNotThrowAnyException();
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** SagaWorkflow as a careless change would leave it: the hotel is booked first. */
    static final class HotelFirstSaga implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            Trip trip = ctx.getInput(Trip.class);
            Saga saga = new Saga(ctx);
            try {
                ctx.callActivity(SagaWorkflow.BOOK_HOTEL, trip).await();
                saga.addCompensation(SagaWorkflow.CANCEL_HOTEL, trip);
                ctx.callActivity(SagaWorkflow.BOOK_FLIGHT, trip).await();
                saga.addCompensation(SagaWorkflow.CANCEL_FLIGHT, trip);
                ctx.callActivity(SagaWorkflow.BOOK_CAR, trip).await();
                return new TripResult(true, "booked");
            } catch (TaskFailedException e) {
                saga.compensate();
                return new TripResult(false, "cancelled");
            }
        }
    }
}

package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.JSON;
import static io.gregor.orchestrator.internal.TopologyFixture.outputOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.Task;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowStarted;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Continue-as-new through the topology: generations under one id, the history bounded by one generation, events carried over. */
class ContinueAsNewTopologyTest {
    private static final int GENERATIONS = 10_000;
    private TopologyFixture gregor;

    @BeforeEach
    void startDriver() {
        startDriver(100);
    }

    private void startDriver(int cacheSize) {
        if (gregor != null) {
            gregor.close();
        }
        WorkflowRegistry workflows = new WorkflowRegistry();
        // The monitor pattern: sleep, then continue with the next generation's count.
        workflows.register("Monitor", () -> ctx -> {
            int generation = ctx.getInput(Integer.class);
            if (generation == GENERATIONS) {
                return generation;
            }
            ctx.createTimer(Duration.ofSeconds(1)).await();
            ctx.continueAsNew(generation + 1);
            return -1;
        });
        workflows.register("Checker", () -> ctx -> {
            int generation = ctx.getInput(Integer.class);
            String health = ctx.callActivity("Check", generation, String.class).await();
            if (generation == 3) {
                return health;
            }
            ctx.createTimer(Duration.ofMinutes(1)).await();
            ctx.continueAsNew(generation + 1);
            return null;
        });
        // Generation 0 sleeps and continues; generation 1 waits for the event that arrived during generation 0.
        workflows.register("Carrier", () -> ctx -> {
            if (ctx.getInput(Integer.class) == 0) {
                ctx.createTimer(Duration.ofMinutes(1)).await();
                ctx.continueAsNew(1);
                return null;
            }
            return ctx.waitForExternalEvent("first", String.class).await() + "," + ctx.waitForExternalEvent("second", String.class).await();
        });
        workflows.register("Forgetful", () -> ctx -> {
            if (ctx.getInput(Integer.class) == 0) {
                ctx.createTimer(Duration.ofMinutes(1)).await();
                ctx.continueAsNew(1, false);
                return null;
            }
            return ctx.waitForExternalEvent("first", Duration.ZERO, String.class).isFailed() ? "nothing carried" : "carried";
        });
        workflows.register("Spinner", () -> ctx -> {
            int n = ctx.getInput(Integer.class);
            if (n == 50) {
                return n;
            }
            ctx.continueAsNew(n + 1);
            return -1;
        });
        // Each of three generations doubles through a child under a derived id, then continues with the running sum.
        workflows.register("Double", () -> ctx -> 2 * ctx.getInput(Integer.class));
        workflows.register("Delegator", () -> ctx -> {
            int[] generationAndSum = ctx.getInput(int[].class);
            int generation = generationAndSum[0];
            int sum = generationAndSum[1] + ctx.callChildWorkflow("Double", generation + 1, Integer.class).await();
            if (generation == 2) {
                return sum;
            }
            ctx.continueAsNew(new int[] {generation + 1, sum});
            return -1;
        });
        // Generation 0 leaves its "Slow" task running when it continues; generation 1 calls "Slow" again, under the same task id 0.
        workflows.register("Restarter", () -> ctx -> {
            int generation = ctx.getInput(Integer.class);
            Task<String> slow = ctx.callActivity("Slow", generation, String.class);
            if (generation == 0) {
                ctx.waitForExternalEvent("restart", String.class).await();
                ctx.continueAsNew(1);
            }
            return slow.await();
        });
        workflows.register("Forever", () -> ctx -> {
            ctx.continueAsNew(0);
            return -1;
        });
        gregor = new TopologyFixture(workflows, cacheSize, Retention.NONE);
    }

    @AfterEach
    void close() {
        gregor.close();
    }

    private int historyRecords() {
        KeyValueStore<Bytes, byte[]> store = gregor.driver.getKeyValueStore(HistoryRepository.STORE);
        int count = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }

    @Test
    void aLateResultOfAnEndedGenerationsTaskDoesNotCompleteTheNextGenerationsTaskWithTheSameId() {
        // given generation 0's task 0 running when the instance continues as new, and generation 1's task 0 dispatched
        gregor.start("restarter", "Restarter", 0);
        ActivityTask old = gregor.tasks.readValue();
        gregor.raise("restarter", "restart", null);
        ActivityTask current = gregor.tasks.readValue();
        assertThat(List.of(old.getTaskId(), current.getTaskId())).containsExactly(0, 0);
        assertThat(List.of(old.getGeneration(), current.getGeneration())).containsExactly(0, 1);

        // when the old attempt's result arrives late, then the current one's
        gregor.succeed(old, "from generation 0");
        assertThat(gregor.completions.isEmpty()).isTrue();
        gregor.succeed(current, "from generation 1");

        // then
        assertThat(JSON.deserialize(gregor.completions.readValue().getOutput(), String.class)).isEqualTo("from generation 1");
    }

    @Test
    void aMonitorRunsTenThousandGenerationsWithItsStoredHistoryBoundedByOneGeneration() {
        // given
        gregor.start("monitor", "Monitor", 0);

        // when every generation's timer comes due
        int maxRecords = 0;
        for (int i = 0; i < GENERATIONS; i++) {
            gregor.driver.advanceWallClockTime(Duration.ofSeconds(1));
            maxRecords = Math.max(maxRecords, historyRecords());
        }

        // then
        WorkflowCompletion completion = gregor.completions.readValuesToList().getLast();
        assertThat(JSON.deserialize(completion.getOutput(), Integer.class)).isEqualTo(GENERATIONS);
        assertThat(maxRecords).as("history records stored at any time").isLessThanOrEqualTo(2);
        assertThat(gregor.history("monitor")).extracting(HistoryEvent::getEvent).hasExactlyElementsOfTypes(WorkflowStarted.class,
                io.gregor.schemas.avro.WorkflowCompleted.class);
        assertThat(gregor.timers()).isEmpty();
        assertThat(gregor.instance("monitor").getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
    }

    @Test
    void eachGenerationOfACheckingMonitorStartsFreshWithItsNewInput() {
        runCheckerGenerations();
    }

    @Test
    void generationsReplayFromTheirOwnHistoryWhenNothingIsCached() {
        startDriver(0);
        runCheckerGenerations();
    }

    private void runCheckerGenerations() {
        gregor.start("checker", "Checker", 0);
        for (int generation = 0; generation < 3; generation++) {
            ActivityTask check = gregor.tasks.readValue();
            assertThat(JSON.deserialize(check.getInput(), Integer.class)).isEqualTo(generation);
            assertThat(check.getTaskId()).as("sequence ids restart with each generation").isEqualTo(0);
            gregor.succeed(check, "healthy " + generation);
            gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));
        }
        gregor.succeed(gregor.tasks.readValue(), "healthy 3");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("healthy 3");
        assertThat(gregor.history("checker")).hasSize(4);
    }

    @Test
    void eventsRaisedDuringAGenerationAndNotConsumedAreCarriedIntoTheNextInTheirOrder() {
        // given generation 0 sleeping, and both events raised before it continues
        gregor.start("carrier", "Carrier", 0);
        gregor.raise("carrier", "second", "b");
        gregor.raise("carrier", "first", "a");

        // when its timer comes due and it continues as new
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));

        // then generation 1 starts with the carried events, in their order, and consumes them
        List<HistoryEvent> history = gregor.history("carrier");
        assertThat(history.get(0).getEvent()).isInstanceOf(WorkflowStarted.class);
        assertThat(history.subList(1, 3)).extracting(e -> ((EventRaised) e.getEvent()).getName()).containsExactly("second", "first");
        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("a,b");
    }

    @Test
    void withoutKeepingUnprocessedEventsTheNextGenerationStartsWithNone() {
        gregor.start("forgetful", "Forgetful", 0);
        gregor.raise("forgetful", "first", "a");

        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("nothing carried");
    }

    @Test
    void anEventRaisedRightAfterTheGenerationChangeReachesTheNewGeneration() {
        gregor.start("carrier-2", "Carrier", 0);
        gregor.raise("carrier-2", "second", "b");
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));

        gregor.raise("carrier-2", "first", "a");

        assertThat(outputOf(gregor.completions.readValue())).isEqualTo("a,b");
    }

    @Test
    void generationsThatContinueWithoutAwaitingRunInOneStepUpToALimit() {
        gregor.start("spinner", "Spinner", 0);
        gregor.start("forever", "Forever", 0);

        assertThat(JSON.deserialize(gregor.completions.readValue().getOutput(), Integer.class)).isEqualTo(50);
        assertThat(gregor.instance("forever").getStatus()).isEqualTo(RuntimeStatus.STALLED);
        assertThat(gregor.instance("forever").getFailure().getMessage()).contains(InstanceStepper.MAX_GENERATIONS_PER_STEP + " generations");
    }

    @Test
    void eachGenerationDerivesChildIdsOfItsOwnSoNoneIsRefusedAsTaken() {
        // when a parent calls a child with a derived id in each of three generations
        gregor.start("delegator", "Delegator", new int[] {0, 0});

        // then each child ran under an id of its generation, and the parent completed with all their outputs
        WorkflowCompletion last = gregor.completions.readValuesToList().getLast();
        assertThat(last.getInstanceId()).isEqualTo("delegator");
        assertThat(JSON.deserialize(last.getOutput(), Integer.class)).isEqualTo(2 + 4 + 6);
        assertThat(List.of("delegator:0", "delegator:1.0", "delegator:2.0")).allSatisfy(child -> {
            assertThat(gregor.instance(child).getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(gregor.instance(child).getParentInstanceId()).isEqualTo("delegator");
        });
        assertThat(gregor.instance("delegator").getGeneration()).isEqualTo(2);
    }
}

package io.gregor.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.chaos.InvariantChecker.Completion;
import io.gregor.loadtest.chaos.InvariantChecker.Event;
import io.gregor.loadtest.chaos.InvariantChecker.HistoryWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each invariant of the fault harness catches the fault it is there for, injected into a clean run's records. */
class InvariantCheckerTest {

    private static final Map<String, Long> EXPECTED = Map.of("a", 42L);

    /** A clean history of instance {@code id}: start, a task scheduled and completed, a timer, the end; three steps. */
    private static List<HistoryWrite> cleanHistory(String id) {
        return new ArrayList<>(List.of(
                new HistoryWrite(id, 1, List.of(new Event("WorkflowStarted", -1), new Event("TaskScheduled", 0))),
                new HistoryWrite(id, 3, List.of(new Event("TaskCompleted", 0), new Event("TimerCreated", -1))),
                new HistoryWrite(id, 5, List.of(new Event("TimerFired", -1), new Event("WorkflowCompleted", -1)))));
    }

    private static List<Completion> cleanCompletions() {
        return new ArrayList<>(List.of(new Completion("a", "COMPLETED", 42L)));
    }

    @Test
    void aCleanRunHasNoViolations() {
        InvariantChecker.Result result = InvariantChecker.check(EXPECTED, cleanHistory("a"), cleanCompletions());

        assertThat(result.violations()).isEmpty();
        assertThat(result.instances()).isEqualTo(1);
        assertThat(result.historyRecords()).isEqualTo(3);
        assertThat(result.events()).isEqualTo(6);
    }

    @Test
    void catchesADuplicatedCompletion() {
        List<Completion> completions = cleanCompletions();
        completions.add(new Completion("a", "COMPLETED", 42L));

        assertThat(InvariantChecker.check(EXPECTED, cleanHistory("a"), completions).countsByKind())
                .containsExactly(Map.entry(InvariantChecker.DUPLICATE_COMPLETION, 1));
    }

    @Test
    void catchesAnInstanceThatNeverEnded() {
        assertThat(InvariantChecker.check(EXPECTED, cleanHistory("a"), List.of()).countsByKind())
                .containsExactly(Map.entry(InvariantChecker.NOT_TERMINAL, 1));
    }

    @Test
    void catchesAStepWrittenTwiceByTwoTransactions() {
        List<HistoryWrite> history = cleanHistory("a");
        history.add(2, history.get(1));

        assertThat(InvariantChecker.check(EXPECTED, history, cleanCompletions()).countsByKind())
                .containsEntry(InvariantChecker.SEQUENCE_TWICE, 1);
    }

    @Test
    void catchesALostStep() {
        List<HistoryWrite> history = cleanHistory("a");
        history.remove(1);

        assertThat(InvariantChecker.check(EXPECTED, history, cleanCompletions()).countsByKind())
                .containsExactly(Map.entry(InvariantChecker.SEQUENCE_GAP, 1));
    }

    @Test
    void catchesALateResultRecordedAfterTheRetryWon() {
        List<HistoryWrite> history = cleanHistory("a");
        history.add(2, new HistoryWrite("a", 4, List.of(new Event("TaskCompleted", 0))));
        history.set(3, new HistoryWrite("a", 6, List.of(new Event("TimerFired", -1), new Event("WorkflowCompleted", -1))));

        assertThat(InvariantChecker.check(EXPECTED, history, cleanCompletions()).countsByKind())
                .containsExactly(Map.entry(InvariantChecker.RESULT_TWICE, 1));
    }

    @Test
    void catchesAHistoryThatEndsTwice() {
        List<HistoryWrite> history = cleanHistory("a");
        history.add(new HistoryWrite("a", 6, List.of(new Event("WorkflowCompleted", -1))));

        assertThat(InvariantChecker.check(EXPECTED, history, cleanCompletions()).countsByKind())
                .containsExactly(Map.entry(InvariantChecker.TERMINAL_EVENTS, 1));
    }

    @Test
    void catchesAWrongOutputAndAFailedInstance() {
        assertThat(InvariantChecker.check(EXPECTED, cleanHistory("a"), List.of(new Completion("a", "COMPLETED", 41L)))
                .countsByKind()).containsExactly(Map.entry(InvariantChecker.OUTPUT_MISMATCH, 1));
        assertThat(InvariantChecker.check(EXPECTED, cleanHistory("a"), List.of(new Completion("a", "FAILED", null)))
                .countsByKind()).containsExactly(Map.entry(InvariantChecker.NOT_COMPLETED, 1));
    }

    @Test
    void checksChildrenFoundOnlyInTheHistoryToo() {
        List<HistoryWrite> history = cleanHistory("a");
        history.addAll(cleanHistory("a:child-1"));

        assertThat(InvariantChecker.check(EXPECTED, history, cleanCompletions()).violations())
                .singleElement().satisfies(v -> {
                    assertThat(v.kind()).isEqualTo(InvariantChecker.NOT_TERMINAL);
                    assertThat(v.instanceId()).isEqualTo("a:child-1");
                });
    }

    @Test
    void theWorkloadsExpectedOutputFollowsItsSteps() {
        long seed = 5;
        long v = seed;
        for (int i = 0; i < 6; i++) {
            v = ChaosWorkload.mix(v, i);
        }
        assertThat(ChaosWorkload.expectedOutput(seed)).isNotEqualTo(ChaosWorkload.expectedOutput(seed + 1));
        assertThat(ChaosWorkload.STEPS).isEqualTo(21);
        assertThat(ChaosWorkload.ACTIVITIES).isEqualTo(18);
        assertThat(v).isBetween(0L, 1_000_000_006L);
    }
}

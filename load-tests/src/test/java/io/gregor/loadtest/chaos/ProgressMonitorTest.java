package io.gregor.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a fault's stall is read off a partition's arrivals. */
class ProgressMonitorTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theGapSpanningTheFaultIsTheStall() {
        List<Long> arrivals = List.of(9 * S, 10 * S - S / 10, 12 * S, 12 * S + S / 10);

        assertThat(ProgressMonitor.gapAfter(arrivals, 10 * S, 3 * S, 20 * S)).isEqualTo(2 * S + S / 10);
    }

    @Test
    void aRecordCommittedJustBeforeTheFaultDoesNotHideTheStallAfterIt() {
        List<Long> arrivals = List.of(9 * S, 10 * S + S / 100, 14 * S);

        assertThat(ProgressMonitor.gapAfter(arrivals, 10 * S, 3 * S, 20 * S)).isEqualTo(4 * S - S / 100);
    }

    @Test
    void aPartitionIdleBeforeTheFaultIsLeftOut() {
        assertThat(ProgressMonitor.gapAfter(List.of(1 * S, 15 * S), 10 * S, 3 * S, 20 * S)).isEqualTo(-1);
    }

    @Test
    void aPartitionThatNeverProgressedAgainIsStalledUntilTheEnd() {
        assertThat(ProgressMonitor.gapAfter(List.of(9 * S), 10 * S, 3 * S, 20 * S)).isEqualTo(11 * S);
    }

    @Test
    void gapsStartingLongAfterTheFaultBelongToSomethingElse() {
        List<Long> arrivals = List.of(10 * S - 1, 10 * S + S / 10, 14 * S, 19 * S);

        assertThat(ProgressMonitor.gapAfter(arrivals, 10 * S, 3 * S, 20 * S)).isEqualTo(4 * S - S / 10);
    }
}

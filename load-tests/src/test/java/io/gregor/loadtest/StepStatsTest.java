package io.gregor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.report.RunResult.StepSeries;
import io.gregor.loadtest.scenario.StepClock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StepStatsTest {

    @Test
    void comparesTheStepsAroundStep100WithTheLast100() {
        double[] perStep = new double[1_000];
        Arrays.fill(perStep, 2.0);
        Arrays.fill(perStep, 900, 1_000, 3.0);
        perStep[120] = Double.NaN;

        StepSeries series = StepStats.of(perStep, 1);

        assertThat(series.earlyMedianMs()).isEqualTo(2.0);
        assertThat(series.lateMedianMs()).isEqualTo(3.0);
        assertThat(series.lateOverEarly()).isEqualTo(1.5);
        assertThat(series.latencyMs()).hasSize(1_000);
        assertThat(series.firstHalfMedianMs()).isEqualTo(2.0);
        assertThat(series.secondHalfMedianMs()).isEqualTo(2.0); // 400 steps at 2 ms, 100 at 3 ms
        assertThat(series.secondHalfOverFirst()).isEqualTo(1.0);
        assertThat(series.latencyMs().get(120)).isNull();
    }

    @Test
    void theHalvesShowACostThatGrowsWithTheHistory() {
        double[] perStep = new double[1_000];
        for (int i = 0; i < perStep.length; i++) {
            perStep[i] = 1.0 + i / 1_000.0;
        }

        StepSeries series = StepStats.of(perStep, 1);

        assertThat(series.firstHalfMedianMs()).isEqualTo(1.275); // steps 50..499
        assertThat(series.secondHalfMedianMs()).isEqualTo(1.75); // steps 500..999
        assertThat(series.secondHalfOverFirst()).isEqualTo(1.373);
    }

    @Test
    void shortHistoriesCompareTheirFirstAndLastThirds() {
        StepSeries series = StepStats.of(new double[] {1, 1, 1, 5, 5, 5, 4, 4, 4}, 1);

        assertThat(series.earlyMedianMs()).isEqualTo(1.0);
        assertThat(series.lateMedianMs()).isEqualTo(4.0);
    }

    @Test
    void onlyTheFirstRunOfAStepCountsAndUnseenStepsHaveNoValue() {
        StepClock clock = new StepClock(3);
        clock.begin("a", System.nanoTime());
        clock.stepStarted("a", 0);
        double first = clock.perStepMillis()[0];

        clock.stepStarted("a", 0); // a redelivered task
        clock.stepStarted("unknown", 1);

        double[] perStep = clock.perStepMillis();
        assertThat(perStep[0]).isEqualTo(first).isGreaterThanOrEqualTo(0);
        assertThat(perStep[1]).isNaN();
        assertThat(perStep[2]).isNaN();
        assertThat(StepClock.NONE.steps()).isZero();
    }
}

package io.gregor.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.report.ComparisonReport.Ratio;
import io.gregor.loadtest.report.ComparisonReport.RunEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {

    private static RunEntry run(int round, String caseId, String engine, double throughput, double p50) {
        return new RunEntry(round, caseId, engine, "runs/x", throughput, p50, p50 * 2, 10, 0, 0, null);
    }

    @Test
    void ratiosAreTheSubjectsMediansOverTheBaselinesAgainstTheIssuesTargets() {
        List<RunEntry> runs = List.of(
                run(1, "seq10-saturation", "gregor", 300, 50), run(1, "seq10-saturation", "littlehorse", 90, 150),
                run(2, "seq10-saturation", "gregor", 260, 55), run(2, "seq10-saturation", "littlehorse", 80, 160),
                run(1, "seq10-c1", "gregor", 100, 10), run(1, "seq10-c1", "littlehorse", 40, 25),
                run(1, "fan100-c1", "gregor", 10, 100), run(1, "fan100-c1", "littlehorse", 4, 240),
                RunEntry.failed(2, "fan100-c1", "gregor", "runs/y", "boom"));

        ComparisonReport report = ComparisonReport.of(List.of("gregor", "littlehorse"),
                List.of("seq10-saturation", "seq10-c1", "fan100-c1"), runs, Map.of("rounds", 2), null, "now",
                Map.of("cores", 2));

        assertThat(report.medians().get("seq10-saturation").get("gregor").throughput()).isEqualTo(280.0);
        assertThat(report.medians().get("fan100-c1").get("gregor").runs()).isEqualTo(1);
        assertThat(report.ratios()).extracting(Ratio::name).hasSize(3).noneMatch(n -> n.startsWith("hello1"));
        Ratio seq10 = report.ratios().get(0);
        assertThat(seq10.ratio()).isEqualTo(3.294);
        assertThat(seq10.met()).isTrue();
        Ratio perStep = report.ratios().get(1);
        assertThat(perStep.subject()).isEqualTo(1.0);
        assertThat(perStep.baseline()).isEqualTo(2.5);
        assertThat(perStep.met()).isTrue();
        Ratio fan100 = report.ratios().get(2);
        assertThat(fan100.ratio()).isEqualTo(0.417);
        assertThat(fan100.met()).isFalse();
        assertThat(report.markdown()).contains("| fan100 p50 at concurrency 1 (ms) | 100.0 | 240.0 | 0.417 | <= 1/3 | no |",
                "| 2 | fan100-c1 | gregor | - | - | - | 0 | 0 | 0 | boom |");
    }

    @Test
    void withHello1AtOneInFlightTheStepsBeyondTheFirstAreShownWithoutATarget() {
        List<RunEntry> runs = List.of(
                run(1, "hello1-c1", "gregor", 50, 12), run(1, "hello1-c1", "littlehorse", 200, 4),
                run(1, "seq10-c1", "gregor", 25, 39), run(1, "seq10-c1", "littlehorse", 25, 40));

        ComparisonReport report = ComparisonReport.of(List.of("gregor", "littlehorse"), List.of("hello1-c1", "seq10-c1"),
                runs, Map.of("rounds", 1), null, "now", Map.of("cores", 2));

        assertThat(report.ratios()).extracting(Ratio::name).hasSize(2);
        Ratio later = report.ratios().get(1);
        assertThat(later.subject()).isEqualTo(3.0);
        assertThat(later.baseline()).isEqualTo(4.0);
        assertThat(later.ratio()).isEqualTo(0.75);
        assertThat(later.met()).isNull();
        assertThat(report.markdown()).contains("| 3.0 | 4.0 | 0.75 | none (shown to separate steps from start and end) | - |");
    }
}

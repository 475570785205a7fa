package io.gregor.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.report.ComparisonReport.Ratio;
import io.gregor.loadtest.report.ComparisonReport.RunEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {

    private static final List<String> ENGINES = List.of("gregor", "littlehorse");

    private static RunEntry run(int round, String caseId, String engine, double throughput, double p50) {
        return new RunEntry(round, caseId, engine, "runs/x", throughput, p50, p50 + 1, p50 * 2, 10, 0, 0, null);
    }

    private static ComparisonReport report(List<String> caseIds, List<RunEntry> runs) {
        return ComparisonReport.of(ENGINES, caseIds, runs, Map.of("rounds", 2), null, "now", Map.of("cores", 2));
    }

    private static Ratio row(ComparisonReport report, String namePrefix) {
        return report.ratios().stream().filter(r -> r.name().startsWith(namePrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("Expected a row starting with '" + namePrefix + "', but found "
                        + report.ratios().stream().map(Ratio::name).toList()));
    }

    @Test
    void ratiosAreTheSubjectsMediansOverTheBaselinesAgainstTheIssuesTargets() {
        // given
        List<RunEntry> runs = List.of(
                run(1, "seq10-saturation", "gregor", 300, 50), run(1, "seq10-saturation", "littlehorse", 90, 150),
                run(2, "seq10-saturation", "gregor", 260, 55), run(2, "seq10-saturation", "littlehorse", 80, 160),
                run(1, "seq10-c1", "gregor", 100, 10), run(1, "seq10-c1", "littlehorse", 40, 25),
                run(1, "fan100-c1", "gregor", 10, 100), run(1, "fan100-c1", "littlehorse", 4, 240),
                RunEntry.failed(2, "fan100-c1", "gregor", "runs/y", "boom"));

        // when
        ComparisonReport report = report(List.of("seq10-saturation", "seq10-c1", "fan100-c1"), runs);

        // then
        assertThat(report.medians().get("seq10-saturation").get("gregor").throughput()).isEqualTo(280.0);
        assertThat(report.medians().get("seq10-saturation").get("gregor").p90Ms()).isEqualTo(53.5);
        assertThat(report.medians().get("fan100-c1").get("gregor").runs()).isEqualTo(1);
        assertThat(report.ratios()).extracting(Ratio::name).hasSize(3).noneMatch(n -> n.startsWith("hello1"));
        Ratio seq10 = report.ratios().get(0);
        assertThat(seq10.ratio()).isEqualTo(3.294);
        assertThat(seq10.baselineOf()).isEqualTo("littlehorse");
        assertThat(seq10.met()).isTrue();
        Ratio fan100 = report.ratios().get(2);
        assertThat(fan100.ratio()).isEqualTo(0.417);
        assertThat(fan100.met()).isFalse();
        assertThat(report.markdown()).contains("| fan100 p50 at concurrency 1 (ms) | 100.0 | 240.0 | 0.417 | <= 0.2 | no |",
                "| 2 | fan100-c1 | gregor | - | - | - | - | 0 | 0 | 0 | boom |");
    }

    @Test
    void thePerStepFigureOfIssue3IsShownWithoutATarget() {
        // given
        List<RunEntry> runs = List.of(run(1, "seq10-c1", "gregor", 100, 30), run(1, "seq10-c1", "littlehorse", 40, 40));

        // when
        ComparisonReport report = report(List.of("seq10-c1"), runs);

        // then
        Ratio perStep = row(report, "per-step p50");
        assertThat(perStep.subject()).isEqualTo(3.0);
        assertThat(perStep.baseline()).isEqualTo(4.0);
        assertThat(perStep.ratio()).isEqualTo(0.75);
        assertThat(perStep.met()).isNull();
        assertThat(report.markdown()).contains("| 3.0 | 4.0 | 0.75 | none (informational: issue 3's figure, start and end included) | - |");
    }

    @Test
    void throughputTargetsAreMetFromTheirBoundUpAndTheFan100TargetFromItsBoundDown() {
        // given ratios of exactly 3, just under 2 and exactly 1/5
        List<RunEntry> runs = List.of(
                run(1, "seq10-saturation", "gregor", 300, 50), run(1, "seq10-saturation", "littlehorse", 100, 150),
                run(1, "hello1-saturation", "gregor", 199, 50), run(1, "hello1-saturation", "littlehorse", 100, 150),
                run(1, "fan100-c1", "gregor", 10, 20), run(1, "fan100-c1", "littlehorse", 4, 100));

        // when
        ComparisonReport report = report(List.of("hello1-saturation", "seq10-saturation", "fan100-c1"), runs);

        // then
        assertThat(row(report, "seq10 throughput")).extracting(Ratio::ratio, Ratio::target, Ratio::met).containsExactly(3.0, ">= 3", true);
        assertThat(row(report, "hello1 throughput")).extracting(Ratio::ratio, Ratio::target, Ratio::met).containsExactly(1.99, ">= 2", false);
        assertThat(row(report, "fan100 p50")).extracting(Ratio::ratio, Ratio::target, Ratio::met).containsExactly(0.2, "<= 0.2", true);
    }

    @Test
    void aStepBeyondTheFirstMustBeNoSlowerThanTheBaselinesAndWithinTwoAndAHalfRawTwoHops() {
        // given Gregor's step beyond the first at 3 ms, LittleHorse's at 4 ms, and the probe's p50 at 1.2 and 1.6 ms
        List<RunEntry> runs = List.of(
                run(1, "hello1-c1", "gregor", 50, 12), run(1, "hello1-c1", "littlehorse", 200, 4),
                run(1, "seq10-c1", "gregor", 25, 39), run(1, "seq10-c1", "littlehorse", 25, 40),
                run(1, "raw-two-hop", "kafka", 700, 1.2), run(2, "raw-two-hop", "kafka", 600, 1.6));

        // when
        ComparisonReport report = report(List.of("hello1-c1", "seq10-c1", "raw-two-hop"), runs);

        // then
        assertThat(report.medians().get("raw-two-hop")).containsOnlyKeys("kafka");
        assertThat(report.medians().get("raw-two-hop").get("kafka")).isEqualTo(new ComparisonReport.Medians(2, 650.0, 1.4, 2.4, 2.8));
        Ratio later = row(report, "p50 of a step beyond the first");
        assertThat(later).extracting(Ratio::subject, Ratio::baseline, Ratio::ratio, Ratio::target, Ratio::met)
                .containsExactly(3.0, 4.0, 0.75, "<= 1", true);
        Ratio overRaw = row(report, "step beyond the first / raw two-hop");
        assertThat(overRaw).extracting(Ratio::subject, Ratio::baseline, Ratio::baselineOf, Ratio::ratio, Ratio::target, Ratio::met)
                .containsExactly(3.0, 1.4, "raw-two-hop", 2.143, "<= 2.5", true);
        assertThat(report.markdown()).contains(
                "| step beyond the first / raw two-hop p50 (ms) | 3.0 | 1.4 (raw-two-hop) | 2.143 | <= 2.5 | yes |",
                "| raw-two-hop | kafka | 2 | 650.0 | 1.4 | 2.4 | 2.8 |",
                "| 2 | raw-two-hop | kafka | 600.0 | 1.6 | 2.6 | 3.2 | 10 | 0 | 0 |  |");
    }

    @Test
    void aStepBeyondTheFirstSlowerThanTheBaselinesOrThanTwoAndAHalfRawTwoHopsMissesBothTargets() {
        // given Gregor's step beyond the first at 5 ms, LittleHorse's at 4 ms, and the probe's p50 at 1.6 ms
        List<RunEntry> runs = List.of(
                run(1, "hello1-c1", "gregor", 50, 10), run(1, "hello1-c1", "littlehorse", 200, 4),
                run(1, "seq10-c1", "gregor", 25, 55), run(1, "seq10-c1", "littlehorse", 25, 40),
                run(1, "raw-two-hop", "kafka", 600, 1.6));

        // when
        ComparisonReport report = report(List.of("hello1-c1", "seq10-c1", "raw-two-hop"), runs);

        // then
        assertThat(row(report, "p50 of a step beyond the first")).extracting(Ratio::ratio, Ratio::met).containsExactly(1.25, false);
        assertThat(row(report, "step beyond the first / raw two-hop")).extracting(Ratio::ratio, Ratio::met)
                .containsExactly(3.125, false);
    }

    @Test
    void withoutTheProbeTheRowAgainstTheRawTwoHopIsLeftOutAndAFailedProbeLeavesItUnknown() {
        // given
        List<RunEntry> steps = List.of(
                run(1, "hello1-c1", "gregor", 50, 12), run(1, "hello1-c1", "littlehorse", 200, 4),
                run(1, "seq10-c1", "gregor", 25, 39), run(1, "seq10-c1", "littlehorse", 25, 40));
        List<RunEntry> withFailedProbe = new ArrayList<>(steps);
        withFailedProbe.add(RunEntry.failed(1, "raw-two-hop", "kafka", "runs/z", "no broker"));

        // when
        ComparisonReport without = report(List.of("hello1-c1", "seq10-c1"), steps);
        ComparisonReport failed = report(List.of("hello1-c1", "seq10-c1", "raw-two-hop"), withFailedProbe);

        // then
        assertThat(without.ratios()).extracting(Ratio::name).noneMatch(n -> n.contains("raw two-hop"));
        assertThat(row(failed, "step beyond the first / raw two-hop")).extracting(Ratio::baseline, Ratio::ratio, Ratio::met)
                .containsExactly(null, null, null);
    }
}

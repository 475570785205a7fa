package io.gregor.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.loadtest.report.RunResult.Counts;
import io.gregor.loadtest.report.RunResult.IntervalSample;
import io.gregor.loadtest.report.RunResult.Latency;
import io.gregor.loadtest.report.RunResult.Memory;
import io.gregor.loadtest.report.RunResult.StepSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    @Test
    void reportIsSelfContainedWithAPlotPerQuestion() throws Exception {
        List<IntervalSample> series = List.of(
                new IntervalSample(1, "warmup", 10, 8, 2, 3.0, 5.0, 9.0, 12.0, 1L << 20),
                new IntervalSample(2, "measure", 12, 12, 2, 2.5, 4.0, 7.0, 8.0, 1L << 20),
                new IntervalSample(3, "measure", 0, 0, 2, null, null, null, null, 1L << 20),
                new IntervalSample(3.4, "drain", 0, 2, 0, 2.0, 2.0, 2.0, 2.0, 1L << 20));
        List<Double> steps = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            steps.add(i == 7 ? null : 2.0 + (i % 10) / 10.0);
        }
        RunResult result = new RunResult("longhist", Map.of("steps", 2_000), null, "2026-01-01T00:00:00Z", Map.of("cores", 2),
                Map.of("kafka", "embedded"), "how <it> is measured", new Counts(22, 22, 0, 0, 0, 12), 6.0, 2, 3.4,
                new Latency(12, 3, 2.5, 4, 7, 8, 8), new Memory(1L << 26, -1), series,
                new StepSeries(2_000, 1, steps, 2.4, 2.5, 1.04, 2.45, 2.5, 1.02), null, null, null);

        String html = HtmlReport.render(result);
        Path page = Path.of("target", "loadtest", "html-report-test", "report.html"); // kept for a look in a browser
        Files.createDirectories(page.getParent());
        Files.writeString(page, html);

        assertThat(html.split("<svg", -1)).hasSize(4);
        assertThat(html).contains("Throughput over time", "Latency percentiles over time", "median and max per 4 steps",
                "how &lt;it&gt; is measured", "commit <code>unknown</code>");
        assertThat(html).doesNotContain("NaN", "Infinity", "<script", "https://");
    }

    @Test
    void axisLabelsAreShortRoundNumbers() {
        assertThat(Axis.format(0.5)).isEqualTo("0.5");
        assertThat(Axis.format(20)).isEqualTo("20");
        assertThat(Axis.format(1_500_000)).isEqualTo("1.5M");
        assertThat(Axis.format(100_000_000)).isEqualTo("100M");
        assertThat(Axis.log(0.7, 130, 300, 0).ticks()).startsWith(0.1).contains(1.0, 100.0, 1000.0);
    }
}

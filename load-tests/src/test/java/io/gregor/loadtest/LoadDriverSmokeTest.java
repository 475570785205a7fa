package io.gregor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.loadtest.report.ResultFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A few seconds of hello1, closed loop, against the embedded broker and registry (and a few hundred
 * raw Kafka round trips, and client starts written three ways): proves the driver works end to end in CI. Not a benchmark: nothing here
 * asserts a speed.
 */
class LoadDriverSmokeTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void hello1ClosedLoopWritesAResultAndAReportWithEveryStartedInstanceCompleted() throws Exception {
        // given
        Path out = Path.of("target", "loadtest", "smoke-hello1");
        DriverOptions options = DriverOptions.parse("--scenario", "hello1", "--mode", "closed", "--concurrency", "2",
                "--duration", "3s", "--warmup", "0s", "--out", out.toString());

        // when
        LoadDriver.run(options);

        // then
        Path json = out.resolve(ResultFiles.JSON);
        Path html = out.resolve(ResultFiles.HTML);
        assertThat(json).isRegularFile();
        assertThat(html).isRegularFile();
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("scenario").asText()).isEqualTo("hello1");
        assertThat(result.path("throughputPerSecond").asDouble()).isPositive();
        long started = result.path("counts").path("started").asLong();
        assertThat(started).isPositive();
        assertThat(result.path("counts").path("completed").asLong()).isEqualTo(started);
        assertThat(result.path("counts").path("failed").asLong()).isZero();
        assertThat(result.path("latencyMs").path("p50").asDouble()).isPositive();
        assertThat(result.path("series").size()).isPositive();
        assertThat(Files.readString(html)).contains("<svg", "Throughput over time", "Latency percentiles over time");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void rawTwoHopProbeMeasuresBoundedRoundTripsOnTheEmbeddedBroker() throws Exception {
        // given
        Path out = Path.of("target", "loadtest", "smoke-raw-two-hop");
        DriverOptions options = DriverOptions.parse("--scenario", "raw-two-hop", "--warmup", "0s", "--instances", "300",
                "--duration", "10s", "--out", out.toString());

        // when
        LoadDriver.run(options);

        // then
        JsonNode result = new ObjectMapper().readTree(out.resolve(ResultFiles.JSON).toFile());
        assertThat(result.path("scenario").asText()).isEqualTo("raw-two-hop");
        assertThat(result.path("parameters").path("warmupRoundTrips").asLong()).isGreaterThanOrEqualTo(200);
        long started = result.path("counts").path("started").asLong();
        assertThat(started).isBetween(1L, 300L);
        assertThat(result.path("counts").path("completed").asLong()).isEqualTo(started);
        assertThat(result.path("counts").path("failed").asLong()).isZero();
        JsonNode latency = result.path("latencyMs");
        assertThat(latency.path("count").asLong()).isEqualTo(started);
        assertThat(latency.path("p50").asDouble()).isPositive();
        assertThat(latency.path("p90").asDouble()).isGreaterThanOrEqualTo(latency.path("p50").asDouble());
        assertThat(latency.path("p99").asDouble()).isGreaterThanOrEqualTo(latency.path("p90").asDouble());
        assertThat(out.resolve(ResultFiles.HTML)).isRegularFile();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void longhistWarmsUpOnShortInstancesThatAreNeitherTimedNorCounted() throws Exception {
        // given
        Path out = Path.of("target", "loadtest", "smoke-longhist");
        DriverOptions options = DriverOptions.parse("--scenario", "longhist", "--steps", "30", "--warmup", "3s",
                "--warmup-concurrency", "2", "--out", out.toString());

        // when
        LoadDriver.run(options);

        // then
        JsonNode result = new ObjectMapper().readTree(out.resolve(ResultFiles.JSON).toFile());
        assertThat(result.path("parameters").path("warmupInstancesCompleted").asLong()).isPositive();
        assertThat(result.path("counts").path("started").asLong()).isEqualTo(1);
        assertThat(result.path("counts").path("completed").asLong()).isEqualTo(1);
        assertThat(result.path("steps").path("instances").asInt()).isEqualTo(1);
        assertThat(result.path("steps").path("latencyMs").size()).isEqualTo(30);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void queriesTimesEveryHttpRequestOverTheInstancesItRanAndChecksTheirAnswers() throws Exception {
        // given
        Path out = Path.of("target", "loadtest", "smoke-queries");
        DriverOptions options = DriverOptions.parse("--scenario", "queries", "--instances", "150", "--steps", "40",
                "--out", out.toString());

        // when
        LoadDriver.run(options);

        // then
        JsonNode result = new ObjectMapper().readTree(out.resolve(ResultFiles.JSON).toFile());
        assertThat(result.path("counts").path("completed").asLong()).isEqualTo(150);
        JsonNode queries = result.path("queriesMs");
        assertThat(queries.fieldNames()).toIterable().containsExactly("list: one page of 1000",
                "list: every page of 100 (151 instances)", "count by status", "status of one instance", "history of 82 events");
        queries.forEach(latency -> {
            assertThat(latency.path("count").asLong()).isEqualTo(QueryTimings.REPEATS);
            assertThat(latency.path("p50").asDouble()).isPositive();
        });
        assertThat(Files.readString(out.resolve(ResultFiles.HTML))).contains("history of 82 events: p50 / p90 / max");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void startsTimesEachWayOfWritingStartsAndFindsEveryOneInTheInboxOnce() throws Exception {
        // given
        Path out = Path.of("target", "loadtest", "smoke-starts");
        DriverOptions options = DriverOptions.parse("--scenario", "starts", "--instances", "300", "--out", out.toString());

        // when
        LoadDriver.run(options);

        // then
        JsonNode result = new ObjectMapper().readTree(out.resolve(ResultFiles.JSON).toFile());
        assertThat(result.path("scenario").asText()).isEqualTo("starts");
        assertThat(result.path("counts").path("completed").asLong()).isEqualTo(900);
        assertThat(result.path("counts").path("failed").asLong()).isZero();
        JsonNode ways = result.path("clientStarts");
        assertThat(ways.fieldNames()).toIterable().containsExactly("sync", "async", "batch");
        ways.forEach(way -> {
            assertThat(way.path("starts").asLong()).isEqualTo(300);
            assertThat(way.path("records").asLong()).isEqualTo(300);
            assertThat(way.path("lost").asLong()).isZero();
            assertThat(way.path("duplicated").asLong()).isZero();
            assertThat(way.path("perSecond").asDouble()).isPositive();
            assertThat(way.path("latencyMs").path("count").asLong()).isEqualTo(300);
        });
        assertThat(Files.readString(out.resolve(ResultFiles.HTML))).contains("batch starts: per second / p50 / p99 / max");
    }
}

package io.gregor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's meters, its scrape endpoint and its activity spans (docs/metrics.md), on a real broker. */
class WorkerTelemetryTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String WORKFLOW_SPAN = "00f067aa0ba902b7";

  private final WorkerFixture fixture = new WorkerFixture("telemetry");
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();

  @AfterEach
  void close() throws Exception {
    fixture.close();
    sdk.close();
  }

  @Test
  void attemptsAndDeadLettersAreCountedAndServedAtTheMetricsEndpoint() throws Exception {
    // given
    ActivityWorker worker = fixture.start(fixture.worker(ConsumptionMode.CONSUMER_GROUP)
        .registerActivity(new Echo()).metricsPort(0));

    // when
    fixture.send(fixture.task("i-1", 1, "Echo", "hello"));
    fixture.sendRaw("i-2/1", "not avro".getBytes(StandardCharsets.UTF_8));
    fixture.results().await(1, WorkerFixture.TIMEOUT);
    fixture.deadLetters().await(1, WorkerFixture.TIMEOUT);

    // then
    MeterRegistry meters = worker.meterRegistry();
    assertThat(meters.get("gregor.activity.duration").tag("activity", "Echo").tag("outcome", "completed").timer().count())
        .isEqualTo(1);
    assertThat(meters.get("gregor.dead.letters").tag("reason", "unreadable_task").counter().count()).isEqualTo(1);
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(worker.metricsUrl().orElseThrow()).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(scrape.body())
        .contains("gregor_activity_duration_seconds_count{activity=\"Echo\",outcome=\"completed\"} 1")
        .contains("gregor_dead_letters_total{reason=\"unreadable_task\",source=\"worker\"} 1")
        .contains("gregor_task_lag_records");
  }

  @Test
  void anAttemptIsASpanUnderTheWorkflowSpanItsTaskNames() {
    // given
    fixture.start(fixture.worker(ConsumptionMode.CONSUMER_GROUP).registerActivity(new Echo()).openTelemetry(sdk));
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", ("00-" + TRACE + "-" + WORKFLOW_SPAN + "-01").getBytes(StandardCharsets.UTF_8));

    // when
    fixture.send(fixture.task("i-3", 7, "Echo", "traced"), headers);
    fixture.results().await(1, WorkerFixture.TIMEOUT);

    // then
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    SpanData attempt = spans.getFinishedSpanItems().getFirst();
    assertThat(attempt.getName()).isEqualTo("activity Echo");
    assertThat(attempt.getTraceId()).isEqualTo(TRACE);
    assertThat(attempt.getParentSpanId()).isEqualTo(WORKFLOW_SPAN);
    assertThat(attempt.getAttributes().asMap().values()).contains("i-3", 7L, 1L);
  }

  @Test
  void withoutAPortTheWorkerServesNoMetrics() {
    // when
    ActivityWorker worker = fixture.start(fixture.worker(ConsumptionMode.CONSUMER_GROUP).registerActivity(new Echo()));

    // then
    assertThat(worker.metricsUrl()).isEmpty();
  }
}

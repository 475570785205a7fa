package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.testkit.Await;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One trace per instance (docs/metrics.md#tracing) with the OpenTelemetry SDK and an in-memory
 * exporter shared by client, orchestrator and worker: the producer's trace continues into the
 * workflow span, each activity attempt is a span under it, timers are its events, and the
 * completion record carries its context to downstream consumers.
 */
class TracingIntegrationTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk openTelemetry;
    private static GregorTestApp app;

    @BeforeAll
    static void startGregor() throws Exception {
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .build();
        app = GregorTestApp.builder("tracing")
                .workflow("Order", () -> ctx -> {
                    String reserved = ctx.callActivity("Reserve", ctx.getInput(String.class), String.class).await();
                    ctx.createTimer(Duration.ofMillis(50)).await();
                    return ctx.callActivity("Ship", reserved, String.class).await();
                })
                .activity("Reserve", ctx -> "reserved " + ctx.getInput(String.class))
                .activity("Ship", ctx -> "shipped " + ctx.getInput(String.class))
                .orchestratorOptions(orchestrator -> orchestrator.openTelemetry(openTelemetry))
                .workerOptions(worker -> worker.openTelemetry(openTelemetry))
                .clientOptions(client -> client.openTelemetry(openTelemetry))
                .start();
    }

    @AfterAll
    static void stopGregor() {
        if (app != null) {
            app.close();
        }
        if (openTelemetry != null) {
            openTelemetry.close();
        }
    }

    private static SpanData awaitSpan(String name, String traceId) {
        AtomicReference<SpanData> found = new AtomicReference<>();
        Await.until(TIMEOUT, () -> {
            SPANS.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name) && s.getTraceId().equals(traceId)).findFirst()
                    .ifPresent(found::set);
            return found.get() != null;
        }, () -> "span '" + name + "' in trace " + traceId + " (finished: " + SPANS.getFinishedSpanItems().stream().map(SpanData::getName).toList() + ")");
        return found.get();
    }

    private static long millis(long epochNanos) {
        return epochNanos / 1_000_000;
    }

    @Test
    void theProducersTraceContinuesIntoTheWorkflowSpanWithTheActivitySpansUnderIt() throws Exception {
        // given
        Span checkout = openTelemetry.getTracer("test").spanBuilder("checkout").startSpan();
        String id;
        try (Scope ignored = checkout.makeCurrent()) {
            id = app.client().scheduleNewWorkflow("Order", "car", app.newInstanceId("order"));
        } finally {
            checkout.end();
        }
        String traceId = checkout.getSpanContext().getTraceId();

        // when
        assertThat(app.client().waitForInstanceCompletion(id, TIMEOUT).getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);

        // then
        SpanData workflow = awaitSpan("workflow Order", traceId);
        SpanData reserve = awaitSpan("activity Reserve", traceId);
        SpanData ship = awaitSpan("activity Ship", traceId);
        assertThat(workflow.getParentSpanId()).isEqualTo(checkout.getSpanContext().getSpanId());
        assertThat(workflow.getAttributes().asMap()).containsValue(id).containsValue("COMPLETED");
        assertThat(workflow.hasEnded()).isTrue();
        assertThat(reserve.getParentSpanId()).isEqualTo(workflow.getSpanId());
        assertThat(ship.getParentSpanId()).isEqualTo(workflow.getSpanId());
        assertThat(workflow.getEvents()).extracting(EventData::getName).containsSubsequence("timer created", "timer fired");
        // The workflow span's times are record times, in milliseconds.
        assertThat(millis(workflow.getStartEpochNanos())).isLessThanOrEqualTo(millis(reserve.getStartEpochNanos()));
        assertThat(millis(workflow.getEndEpochNanos())).isGreaterThanOrEqualTo(millis(ship.getEndEpochNanos()));
    }

    @Test
    void theCompletionRecordCarriesTheWorkflowSpansContext() throws Exception {
        // given
        String id = app.client().scheduleNewWorkflow("Order", "bike", app.newInstanceId("order"));

        // when
        app.client().waitForInstanceCompletion(id, TIMEOUT);

        // then
        List<ConsumerRecord<byte[], byte[]>> completions = KafkaReads.readAll(app.bootstrapServers(), app.topics().completions()).stream()
                .filter(r -> id.equals(KafkaReads.keyText(r))).toList();
        assertThat(completions).hasSize(1);
        String traceParent = KafkaReads.header(completions.getFirst(), "traceparent").orElseThrow();
        String traceId = traceParent.split("-")[1];
        SpanData workflow = awaitSpan("workflow Order", traceId);
        assertThat(traceParent).startsWith("00-" + workflow.getTraceId() + "-" + workflow.getSpanId() + "-");
        assertThat(workflow.getParentSpanContext().isValid()).as("a workflow started without a trace context is a root").isFalse();
    }
}

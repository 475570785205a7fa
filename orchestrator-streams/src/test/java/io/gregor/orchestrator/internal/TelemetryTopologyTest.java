package io.gregor.orchestrator.internal;

import static io.gregor.orchestrator.internal.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.orchestrator.internal.telemetry.OrchestratorMetrics;
import io.gregor.orchestrator.internal.telemetry.Telemetry;
import io.gregor.orchestrator.internal.telemetry.WorkflowTracing;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.StartWorkflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's metrics and workflow spans, on the topology with a hand-driven clock: what they
 * report follows the instance's steps, in record time.
 */
class TelemetryTopologyTest {
    private static final String PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private TopologyFixture gregor;

    @AfterEach
    void close() {
        if (gregor != null) {
            gregor.close();
        }
        sdk.close();
    }

    private void startGregor(OpenTelemetry openTelemetry) {
        WorkflowRegistry workflows = new WorkflowRegistry();
        workflows.register("Nap", () -> ctx -> {
            ctx.createTimer(Duration.ofMinutes(1)).await();
            return ctx.callActivity("Wake", null, String.class).await();
        });
        workflows.register("Parent", () -> ctx -> ctx.callChildWorkflow("Child", null, String.class).await());
        workflows.register("Child", () -> ctx -> "child done");
        gregor = new TopologyFixture(workflows, 100, Retention.NONE,
                new Telemetry(new OrchestratorMetrics(meters), new WorkflowTracing(openTelemetry)));
    }

    private double instances(String status) {
        return meters.get("gregor.instances").tag("status", status).gauge().value();
    }

    private double timersPending() {
        return meters.get("gregor.timers.pending").gauge().value();
    }

    private void startTraced(String id) {
        StartWorkflow start = TopologyFixture.startOf(id, "Nap", null).build();
        RecordHeaders headers = new RecordHeaders();
        headers.add(WorkflowTracing.TRACEPARENT, ("00-" + PRODUCER_TRACE + "-" + PRODUCER_SPAN + "-01").getBytes(StandardCharsets.UTF_8));
        gregor.starts.pipeInput(new TestRecord<>(id, start, headers, T0));
    }

    /** @return the task the instance schedules once its one-minute timer fired */
    private TestRecord<String, ActivityTask> wakeUp() {
        gregor.driver.advanceWallClockTime(Duration.ofMinutes(1));
        return gregor.tasks.readRecord();
    }

    private static String traceParentOf(Headers headers) {
        Header header = headers.lastHeader(WorkflowTracing.TRACEPARENT);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theMetersFollowAnInstanceFromItsStartThroughItsTimerToItsEnd() {
        // given
        startGregor(OpenTelemetry.noop());

        // when
        gregor.start("nap-1", "Nap", null);

        // then
        assertThat(meters.get("gregor.workflows.started").tag("workflow", "Nap").counter().count()).isEqualTo(1);
        assertThat(instances("RUNNING")).isEqualTo(1);
        assertThat(timersPending()).isEqualTo(1);

        // when
        gregor.succeed(wakeUp().value(), "awake");

        // then
        assertThat(instances("RUNNING")).isZero();
        assertThat(instances("COMPLETED")).isEqualTo(1);
        assertThat(timersPending()).isZero();
        assertThat(meters.get("gregor.workflows.completed").tag("workflow", "Nap").tag("status", "COMPLETED").counter().count())
                .isEqualTo(1);
        // record time: created at T0, ended when the timer fired a minute later
        assertThat(meters.get("gregor.workflow.duration").tag("workflow", "Nap").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(60);
        assertThat(meters.get("gregor.execution.cache.hits").counter().count()).isEqualTo(2);
    }

    @Test
    void thePurgeOfAnEndedInstanceTakesItOutOfTheCount() {
        // given
        startGregor(OpenTelemetry.noop());
        gregor.start("nap-2", "Nap", null);
        gregor.succeed(wakeUp().value(), "awake");

        // when
        gregor.control("nap-2", new PurgeWorkflow(false));

        // then
        assertThat(instances("COMPLETED")).isZero();
    }

    @Test
    void aTracedStartMakesAWorkflowSpanUnderTheProducersWhoseContextTheTasksAndTheCompletionCarry() {
        // given
        startGregor(sdk);

        // when
        startTraced("nap-3");
        TestRecord<String, ActivityTask> task = wakeUp();
        gregor.succeed(task.value(), "awake");

        // then
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        SpanData workflow = spans.getFinishedSpanItems().getFirst();
        assertThat(workflow.getName()).isEqualTo("workflow Nap");
        assertThat(workflow.getTraceId()).isEqualTo(PRODUCER_TRACE);
        assertThat(workflow.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
        assertThat(workflow.getEvents()).extracting(EventData::getName).containsExactly("timer created", "timer fired");
        assertThat(workflow.getEndEpochNanos() - workflow.getStartEpochNanos()).isEqualTo(Duration.ofMinutes(1).toNanos());
        String context = "00-" + PRODUCER_TRACE + "-" + workflow.getSpanId() + "-01";
        assertThat(traceParentOf(task.headers())).isEqualTo(context);
        assertThat(traceParentOf(gregor.completions.readRecord().headers())).isEqualTo(context);
        assertThat(gregor.instance("nap-3").getTraceParent()).isEqualTo(context);
    }

    @Test
    void aChildWorkflowsSpanIsAChildOfItsParentsWorkflowSpan() {
        // given
        startGregor(sdk);

        // when
        gregor.start("parent-1", "Parent", null);

        // then
        SpanData parent = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("workflow Parent")).findFirst().orElseThrow();
        SpanData child = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("workflow Child")).findFirst().orElseThrow();
        assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
        assertThat(parent.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void withoutOpenTelemetryNothingIsTracedStoredOrAddedToRecords() {
        // given
        startGregor(OpenTelemetry.noop());

        // when
        startTraced("nap-4");
        TestRecord<String, ActivityTask> task = wakeUp();

        // then
        assertThat(traceParentOf(task.headers())).isNull();
        assertThat(gregor.instance("nap-4").getTraceParent()).isNull();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}

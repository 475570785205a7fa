package io.gregor.orchestrator.internal.telemetry;

import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowResumed;
import io.gregor.schemas.avro.WorkflowSuspended;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One trace per instance: a workflow span from the instance's creation to its end, a child of the
 * trace context its start record carried ({@value #TRACEPARENT} header), with timers, external
 * events and suspensions as span events.
 *
 * <p>Why the span's context lives in the instance's metadata: an instance's steps run on whichever
 * orchestrator owns its partition at the time, so every step reads the workflow span's context from
 * the store and puts it on the tasks (the workers' activity spans become its children), on child
 * starts and on the completion record. The span object itself lives only in the memory of the
 * orchestrator that created it: if the instance ends on the same process, that span ends with it;
 * if not (restart, rebalance, or more than {@value #MAX_OPEN_SPANS} spans open), the end is reported
 * as a short "ended" span under the workflow span's context instead, and span events of steps on
 * other processes are not recorded. Tracing never changes what is processed or stored besides that
 * one metadata field.
 */
public final class WorkflowTracing {
    /** The W3C trace-context header on start, task, child-start and completion records. */
    public static final String TRACEPARENT = "traceparent";
    static final int MAX_OPEN_SPANS = 100_000;
    private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("gregor.instance_id");
    private static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("gregor.workflow");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("gregor.status");
    private static final AttributeKey<Long> TIMER = AttributeKey.longKey("gregor.timer_id");
    private static final AttributeKey<String> EVENT = AttributeKey.stringKey("gregor.event");
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            return () -> StreamSupport.stream(carrier.spliterator(), false).map(Header::key).iterator();
        }

        @Override
        public String get(Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };
    private static final TextMapGetter<String> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final Map<String, Span> open = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Span> eldest) {
            return size() > MAX_OPEN_SPANS;
        }
    });

    /** @param openTelemetry where spans go; {@link OpenTelemetry#noop()} turns tracing off */
    public WorkflowTracing(OpenTelemetry openTelemetry) {
        this.enabled = openTelemetry != OpenTelemetry.noop();
        this.tracer = openTelemetry.getTracer("io.gregor.orchestrator");
    }

    boolean enabled() {
        return enabled;
    }

    /** @return the trace context a record's headers carry, or the root context */
    static Context parentOf(Headers headers) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    }

    /**
     * Opens the workflow span of a new instance and keeps its context in the instance's metadata.
     */
    void started(InstanceMetadata meta, Context parent, long now) {
        Span span = tracer.spanBuilder("workflow " + meta.getWorkflowName()).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(now, TimeUnit.MILLISECONDS).setAttribute(INSTANCE, meta.getInstanceId())
                .setAttribute(WORKFLOW, meta.getWorkflowName()).startSpan();
        if (!span.getSpanContext().isValid()) {
            return;
        }
        open.put(meta.getInstanceId(), span);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), meta,
                (carrier, key, value) -> carrier.setTraceParent(TRACEPARENT.equals(key) ? value : carrier.getTraceParent()));
    }

    /** Timers, external events and suspensions become events of the open workflow span. */
    void recorded(InstanceMetadata meta, HistoryEvent event) {
        if (meta.getTraceParent() == null) {
            return;
        }
        Object body = event.getEvent();
        String name;
        Attributes attributes;
        switch (body) {
            case TimerCreated t -> {
                name = "timer created";
                attributes = Attributes.of(TIMER, (long) t.getTimerId());
            }
            case TimerFired t -> {
                name = "timer fired";
                attributes = Attributes.of(TIMER, (long) t.getTimerId());
            }
            case TimerCancelled t -> {
                name = "timer cancelled";
                attributes = Attributes.of(TIMER, (long) t.getTimerId());
            }
            case EventRaised e -> {
                name = "event raised";
                attributes = Attributes.of(EVENT, e.getName());
            }
            case WorkflowSuspended s -> {
                name = "suspended";
                attributes = Attributes.empty();
            }
            case WorkflowResumed r -> {
                name = "resumed";
                attributes = Attributes.empty();
            }
            default -> {
                return;
            }
        }
        Span span = open.get(meta.getInstanceId());
        if (span != null) {
            span.addEvent(name, attributes, event.getTimestamp().toEpochMilli(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the workflow span at the instance's end (its last event's time). */
    void ended(InstanceMetadata meta) {
        if (meta.getTraceParent() == null) {
            return;
        }
        long endedAt = meta.getUpdatedAt().toEpochMilli();
        Span span = open.remove(meta.getInstanceId());
        if (span == null) {
            span = tracer.spanBuilder("workflow " + meta.getWorkflowName() + " ended").setParent(stored(meta.getTraceParent()))
                    .setStartTimestamp(endedAt, TimeUnit.MILLISECONDS).setAttribute(INSTANCE, meta.getInstanceId())
                    .setAttribute(WORKFLOW, meta.getWorkflowName()).startSpan();
        }
        span.setAttribute(STATUS, meta.getStatus().name());
        if (meta.getStatus() == RuntimeStatus.FAILED) {
            span.setStatus(StatusCode.ERROR, meta.getFailure() == null ? "FAILED" : String.valueOf(meta.getFailure().getMessage()));
        }
        span.end(endedAt, TimeUnit.MILLISECONDS);
    }

    private static Context stored(String traceParent) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceParent, STORED);
    }
}
